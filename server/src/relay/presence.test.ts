// A connection speaks only for the awareness client ids it introduced, at most
// MAX_CLIENT_IDS_PER_CONNECTION of them, and under the name its token gives.
import { describe, expect, it } from 'vitest'
import type { Identity } from '../auth/identity'
import { MAX_CLIENT_IDS_PER_CONNECTION, stampPresence, type PresenceOwnership } from './presence'

const alice: Identity = { userId: 'alice', name: 'Alice' }
const mallory: Identity = { userId: 'mallory', name: 'Mallory' }

describe('stampPresence', () => {
  it('stamps the identity from the token over what the client claims', () => {
    const book: PresenceOwnership = { owners: new Map() }
    const stamped = stampPresence([{ clientId: 1, clock: 1, state: { user: { id: 'bob', name: 'Bob', color: '#f00' }, cursor: 3 } }], alice, {}, new Set(), book)
    expect(stamped).toEqual([{ clientId: 1, clock: 1, state: { user: { id: 'alice', name: 'Alice', color: '#f00' }, cursor: 3 } }])
  })

  it("drops entries for another connection's client ids, its removals included", () => {
    const book: PresenceOwnership = { owners: new Map() }
    const aliceConnection = {}
    stampPresence([{ clientId: 1, clock: 1, state: { cursor: 1 } }], alice, aliceConnection, new Set(), book)
    const malloryOwned = new Set<number>()
    const taken = stampPresence(
      [{ clientId: 1, clock: 9, state: { cursor: 666 } }, { clientId: 1, clock: 10, state: null }, { clientId: 2, clock: 1, state: null }],
      mallory, {}, malloryOwned, book,
    )
    expect(taken).toEqual([{ clientId: 2, clock: 1, state: null }])
    expect([...malloryOwned]).toEqual([2])
    expect(book.owners.get(1)).toBe(aliceConnection)
  })

  it(`takes at most ${MAX_CLIENT_IDS_PER_CONNECTION} client ids from one connection`, () => {
    const book: PresenceOwnership = { owners: new Map() }
    const owned = new Set<number>()
    const entries = Array.from({ length: MAX_CLIENT_IDS_PER_CONNECTION + 5 }, (_, i) => ({ clientId: 100 + i, clock: 1, state: {} }))
    expect(stampPresence(entries, alice, {}, owned, book)).toHaveLength(MAX_CLIENT_IDS_PER_CONNECTION)
    expect(owned.size).toBe(MAX_CLIENT_IDS_PER_CONNECTION)
    expect(book.owners.size).toBe(MAX_CLIENT_IDS_PER_CONNECTION)
  })
})
