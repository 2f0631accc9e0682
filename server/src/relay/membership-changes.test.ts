// Open connections follow membership changes at once: a member removed from a book is
// disconnected with 4403 (before, they kept reading and writing until they reconnected), a demoted
// editor's next update is refused, a promoted viewer's is taken; other members are untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CLOSE_CODE, decodeMessage, encodeUpdate } from '@crm-sync/protocol'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, connectRaw, waitFor, whenSynced, type RawClient } from '../testing/ws-clients'

const BOOK = 'north-territory'

const updateSetting = (key: string): Uint8Array => {
  const doc = new Y.Doc()
  doc.getMap('scratch').set(key, true)
  return Y.encodeStateAsUpdate(doc)
}

describe('connections follow membership changes', () => {
  let server: TestServer

  const members = async (method: 'PUT' | 'DELETE', user: string, role?: string) => {
    const res = await fetch(`${server.url}/api/books/${BOOK}/members/${user}`, {
      method,
      headers: { authorization: `Bearer ${await server.token('alice')}`, 'content-type': 'application/json' },
      ...(role ? { body: JSON.stringify({ role }) } : {}),
    })
    expect(res.status).toBeLessThan(300)
  }
  const connect = async (user: string): Promise<RawClient> => {
    const raw = await connectRaw(`${server.wsUrl}/${BOOK}?ack=1&token=${await server.token(user)}`)
    await waitFor(() => raw.frames.length > 0, 5000, `${user} greeted`)
    return raw
  }
  /** The user's connections the relay has not closed (its own count, read on the server). */
  const openConnectionsOf = (userId: string): number =>
    [...server.relay['connections'].values()].filter((c) => c.identity?.userId === userId && !c.isClosed).length
  const refusals = (raw: RawClient) => raw.frames.map((f) => decodeMessage(f)).filter((m) => m.type === 'error')

  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.dispose()
  })

  it("closes a removed member's connections with 4403 before the HTTP answer, and leaves the others open", async () => {
    const alice = connectProvider(server.wsUrl, BOOK, await server.token('alice'))
    await whenSynced(alice)
    const bob = [await connect('bob'), await connect('bob')]
    const dave = await connect('dave')
    // bob's role is read slowly after the change: an answer that did not wait for it would come first.
    const directory = server.persistence.directory
    const rolesOf = directory.rolesOf.bind(directory)
    directory.rolesOf = async (bookId, userIds) => {
      const roles = await rolesOf(bookId, userIds)
      if (userIds.includes('bob')) await new Promise((r) => setTimeout(r, 300))
      return roles
    }
    try {
      await members('DELETE', 'bob')
      // Looked at on the server as the answer arrives: the client sees its two sockets in no set order.
      expect(openConnectionsOf('bob')).toBe(0)
    } finally {
      directory.rolesOf = rolesOf
    }
    for (const b of bob) expect((await b.closed).code).toBe(CLOSE_CODE.notMember)
    expect((await (await connectRaw(`${server.wsUrl}/${BOOK}?token=${await server.token('bob')}`)).closed).code).toBe(CLOSE_CODE.notMember)
    expect(dave.ws.readyState).toBe(dave.ws.OPEN)
    expect(alice.provider.wsconnected).toBe(true)
    dave.close()
    alice.destroy()
    await members('PUT', 'bob', 'editor')
  })

  it("refuses a demoted editor's next update and takes a promoted viewer's", async () => {
    const alice = connectProvider(server.wsUrl, BOOK, await server.token('alice'))
    await whenSynced(alice)
    const bob = await connect('bob')
    const dave = await connect('dave')
    await members('PUT', 'bob', 'viewer')
    await members('PUT', 'dave', 'editor')
    // Applied to open connections before the HTTP answer (as the removal above shows); bob is told he may only read now.
    await waitFor(() => refusals(bob).length === 1, 5000, 'bob told of the demotion')
    expect(refusals(bob)[0]).toEqual({ type: 'error', code: 'read-only', message: 'you are a viewer of this book now' })
    bob.send(encodeUpdate(updateSetting('from-demoted-bob')))
    dave.send(encodeUpdate(updateSetting('from-promoted-dave')))
    await waitFor(() => alice.doc.getMap('scratch').has('from-promoted-dave'), 5000, "dave's update broadcast")
    await waitFor(() => refusals(bob).length === 2, 5000, "bob's update refused")
    expect(refusals(bob)[1]).toMatchObject({ code: 'read-only', frame: 1 })
    expect(alice.doc.getMap('scratch').has('from-demoted-bob')).toBe(false)
    expect(refusals(dave)).toEqual([])
    expect(bob.ws.readyState).toBe(bob.ws.OPEN)
    bob.close()
    dave.close()
    alice.destroy()
    await members('PUT', 'bob', 'editor')
    await members('PUT', 'dave', 'viewer')
  })

  it('applies a change made behind the API (the store itself) on the periodic recheck', async () => {
    const bob = await connect('bob')
    await server.persistence.directory.removeMember(BOOK, 'bob') // no notice to the relay
    await new Promise((r) => setTimeout(r, 100))
    expect(bob.ws.readyState).toBe(bob.ws.OPEN)
    await server.relay.recheckMembers()
    expect((await bob.closed).code).toBe(CLOSE_CODE.notMember)
    await server.persistence.directory.setMember(BOOK, 'bob', 'editor')
  })

  it('reads the role again once the book has loaded: a removal made meanwhile elsewhere refuses the connection, its early frames unapplied', async () => {
    const rooms = server.rooms
    const acquire = rooms.acquire.bind(rooms)
    // Another instance removes bob while this one loads the book (a change this one does not hear).
    rooms.acquire = async (bookId: string) => {
      await server.persistence.directory.removeMember(BOOK, 'bob')
      return acquire(bookId)
    }
    try {
      const bob = await connectRaw(`${server.wsUrl}/${BOOK}?token=${await server.token('bob')}`)
      bob.send(encodeUpdate(updateSetting('sent-while-loading')))
      expect((await bob.closed).code).toBe(CLOSE_CODE.notMember)
      expect(await server.books.read(BOOK, (d) => d.getMap('scratch').has('sent-while-loading'))).toBe(false)
    } finally {
      rooms.acquire = acquire
      await server.persistence.directory.setMember(BOOK, 'bob', 'editor')
    }
  })
})
