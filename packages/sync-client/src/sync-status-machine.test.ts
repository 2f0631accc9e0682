// The status state machine as a table: every transition the README lists, and the counters.
import { describe, expect, it } from 'vitest'
import { TRANSITIONS, nextStatus, sameStatus, type SyncEvent } from './sync-status-machine'
import { INITIAL_STATUS, SYNC_STATES, type SyncStatus } from './sync-status'

const run = (events: SyncEvent[], from: SyncStatus = INITIAL_STATUS) => events.reduce(nextStatus, from)
const closed = (retryAt: number | null, error: SyncStatus['error'] = null): SyncEvent => ({ type: 'socket-closed', retryAt, error })

describe('sync status machine', () => {
  it('walks offline -> connecting -> syncing -> synced and back', () => {
    const states: string[] = []
    let s = INITIAL_STATUS
    for (const e of [{ type: 'connect' }, { type: 'socket-open' }, { type: 'server-synced', at: 5 }, closed(100)] as SyncEvent[]) {
      s = nextStatus(s, e)
      states.push(s.state)
    }
    expect(states).toEqual(['connecting', 'syncing', 'synced', 'offline'])
    expect(s).toMatchObject({ lastSyncedAt: 5, nextRetryAt: 100 })
  })

  it('has a row for every state, and ignores events that do not apply', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...SYNC_STATES].sort())
    expect(nextStatus(INITIAL_STATUS, { type: 'server-synced', at: 1 })).toBe(INITIAL_STATUS)
    expect(nextStatus(INITIAL_STATUS, { type: 'socket-open' }).state).toBe('offline')
    const synced = run([{ type: 'connect' }, { type: 'socket-open' }, { type: 'server-synced', at: 1 }])
    expect(nextStatus(synced, { type: 'connect' })).toBe(synced)
  })

  it('a stop is offline with the error and no retry; connect clears the retry time', () => {
    const stopped = run([{ type: 'connect' }, closed(null, { code: 'not-member', message: 'no' })])
    expect(stopped).toMatchObject({ state: 'offline', nextRetryAt: null, error: { code: 'not-member' } })
    const retrying = run([{ type: 'connect' }, closed(50)])
    expect(nextStatus(retrying, { type: 'connect' })).toMatchObject({ state: 'connecting', nextRetryAt: null })
  })

  it('4401 then success: the transient error goes away once synced, a sticky one stays', () => {
    const auth = { code: 'not-authenticated', message: 'expired' } as const
    const s = run([{ type: 'connect' }, closed(0, auth), { type: 'connect' }, { type: 'socket-open' }])
    expect(s.error).toEqual(auth)
    expect(nextStatus(s, { type: 'server-synced', at: 2 }).error).toBeNull()
    const readOnly = nextStatus(s, { type: 'error', error: { code: 'read-only', message: 'viewer' } })
    expect(nextStatus(readOnly, { type: 'server-synced', at: 2 }).error?.code).toBe('read-only')
  })

  it('read-only clears once nothing is pending', () => {
    const s = run([{ type: 'pending-changed', pendingLocal: 2 }, { type: 'error', error: { code: 'read-only', message: 'x' } }])
    expect(nextStatus(s, { type: 'pending-changed', pendingLocal: 1 }).error?.code).toBe('read-only')
    expect(nextStatus(s, { type: 'pending-changed', pendingLocal: 0 }).error).toBeNull()
  })

  it('disconnect goes offline from anywhere, without a retry', () => {
    for (const from of [run([{ type: 'connect' }]), run([{ type: 'connect' }, { type: 'socket-open' }]), run([{ type: 'connect' }, closed(9)])]) {
      expect(nextStatus(from, { type: 'disconnect' })).toMatchObject({ state: 'offline', nextRetryAt: null })
    }
  })

  it('keeps counters beside the state: pending, saved, loaded, acked', () => {
    let s = run([{ type: 'loaded', pendingLocal: 3, lastSyncedAt: 7 }, { type: 'save-state', savedLocally: false }])
    expect(s).toMatchObject({ state: 'offline', pendingLocal: 3, lastSyncedAt: 7, savedLocally: false })
    expect(nextStatus(s, { type: 'acked', at: 99 })).toBe(s) // offline: an ack cannot arrive, and is ignored
    s = run([{ type: 'connect' }, { type: 'socket-open' }, { type: 'acked', at: 99 }], s)
    expect(s.lastSyncedAt).toBe(99)
  })

  it('compares statuses by value', () => {
    expect(sameStatus(INITIAL_STATUS, { ...INITIAL_STATUS })).toBe(true)
    expect(sameStatus(INITIAL_STATUS, { ...INITIAL_STATUS, error: { code: 'too-big', message: 'x' } })).toBe(false)
  })
})
