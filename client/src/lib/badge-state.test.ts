// The badge's words for each sync status: "Offline" only without a network or when the relay
// stopped the connection; a book about to connect (or between retries) on a network is connecting.
import { INITIAL_STATUS, type SyncStatus } from '@crm-sync/sync-client'
import { describe, expect, it } from 'vitest'
import { BADGE_LABELS, badgeState } from './badge-state'

const status = (over: Partial<SyncStatus>): SyncStatus => ({ ...INITIAL_STATUS, ...over })

describe('badgeState', () => {
  it('says connecting for a book that has not connected yet while the browser is online', () => {
    expect(badgeState(INITIAL_STATUS, true)).toBe('connecting')
    expect(BADGE_LABELS[badgeState(INITIAL_STATUS, true)]).toBe('Connecting…')
  })

  it('says offline when the browser is offline, retry scheduled or not', () => {
    expect(badgeState(INITIAL_STATUS, false)).toBe('offline')
    expect(badgeState(status({ state: 'offline', lastSyncedAt: 1 }), false)).toBe('offline')
    expect(badgeState(status({ state: 'offline', nextRetryAt: Date.now() + 1000 }), false)).toBe('offline')
    expect(badgeState(null, false)).toBe('offline')
  })

  it('says connecting between reconnect attempts while the relay is down', () => {
    expect(badgeState(status({ state: 'offline', nextRetryAt: Date.now() + 4000 }), true)).toBe('connecting')
    const failing = { code: 'server-error', message: 'the relay failed to store a change' } as const
    expect(badgeState(status({ state: 'offline', nextRetryAt: Date.now() + 4000, error: failing }), true)).toBe('connecting')
    // A refused token is fetched again and retried: still connecting.
    const token = { code: 'not-authenticated', message: 'the relay refused the token' } as const
    expect(badgeState(status({ state: 'offline', nextRetryAt: Date.now(), error: token }), true)).toBe('connecting')
  })

  it('says offline when the relay stopped the connection (no retry scheduled)', () => {
    for (const code of ['not-member', 'not-authenticated', 'malformed', 'too-big', 'refused'] as const) {
      expect(badgeState(status({ state: 'offline', nextRetryAt: null, error: { code, message: code } }), true)).toBe('offline')
    }
  })

  it('is not stopped by errors that do not end the connection', () => {
    for (const code of ['read-only', 'local-store-failed', 'server-error', 'token-unavailable'] as const) {
      expect(badgeState(status({ state: 'offline', error: { code, message: code } }), true)).toBe('connecting')
    }
  })

  it('keeps connecting, syncing and synced as the sync client says', () => {
    expect(badgeState(status({ state: 'connecting' }), true)).toBe('connecting')
    expect(badgeState(status({ state: 'syncing' }), true)).toBe('syncing')
    expect(badgeState(status({ state: 'synced' }), true)).toBe('synced')
    expect(badgeState(status({ state: 'synced', pendingLocal: 2 }), true)).toBe('syncing')
  })
})
