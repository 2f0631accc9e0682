// The sync status as an explicit state machine: a pure reducer from (status, event) to status.
// Only the events in TRANSITIONS move `state`; the others update the counters beside it.
//
//            connect                socket-open              server-synced
//   offline ─────────► connecting ─────────────► syncing ─────────────────► synced
//      ▲                   │                        │                         │
//      └───────────────────┴── socket-closed / disconnect ───────────────────┘
//
//   socket-closed carries the retry time (null = stopped) and the error; a scheduled retry
//   fires `connect` again. pending-changed, acked, save-state, error and role never move `state`.
import type { BookRole } from '@crm-sync/protocol'
import type { SyncError, SyncErrorCode, SyncState, SyncStatus } from './sync-status'

export type SyncEvent =
  | { readonly type: 'loaded'; readonly pendingLocal: number; readonly lastSyncedAt: number | null }
  | { readonly type: 'connect' }
  | { readonly type: 'socket-open' }
  | { readonly type: 'server-synced'; readonly at: number }
  | { readonly type: 'socket-closed'; readonly retryAt: number | null; readonly error: SyncError | null }
  | { readonly type: 'disconnect' }
  | { readonly type: 'pending-changed'; readonly pendingLocal: number }
  | { readonly type: 'acked'; readonly at: number }
  | { readonly type: 'save-state'; readonly savedLocally: boolean }
  | { readonly type: 'error'; readonly error: SyncError | null }
  | { readonly type: 'role'; readonly role: BookRole }

export type SyncEventType = SyncEvent['type']

/** The state changes; an event missing for a state leaves `state` as it is. */
export const TRANSITIONS: Readonly<Record<SyncState, Partial<Record<SyncEventType, SyncState>>>> = {
  offline: { connect: 'connecting', 'socket-closed': 'offline', disconnect: 'offline' },
  connecting: { 'socket-open': 'syncing', 'socket-closed': 'offline', disconnect: 'offline' },
  syncing: { 'server-synced': 'synced', 'socket-closed': 'offline', disconnect: 'offline' },
  synced: { 'socket-closed': 'offline', disconnect: 'offline' },
}

/** Errors that only describe the connection attempt; a successful sync clears them. */
const TRANSIENT_ERRORS: ReadonlySet<SyncErrorCode> = new Set([
  'not-authenticated', 'server-error', 'server-malformed', 'token-unavailable',
])

export const nextStatus = (s: SyncStatus, e: SyncEvent): SyncStatus => {
  const state = TRANSITIONS[s.state][e.type] ?? s.state
  switch (e.type) {
    case 'loaded':
      return { ...s, pendingLocal: e.pendingLocal, lastSyncedAt: e.lastSyncedAt ?? s.lastSyncedAt }
    case 'connect':
      return state === s.state ? s : { ...s, state, nextRetryAt: null }
    case 'socket-open':
      return { ...s, state }
    case 'server-synced':
      if (state !== 'synced') return s
      return {
        ...s, state, lastSyncedAt: e.at, nextRetryAt: null,
        error: s.error && TRANSIENT_ERRORS.has(s.error.code) ? null : s.error,
      }
    case 'socket-closed':
      return { ...s, state, nextRetryAt: e.retryAt, error: e.error ?? (s.error && TRANSIENT_ERRORS.has(s.error.code) ? null : s.error) }
    case 'disconnect':
      return { ...s, state, nextRetryAt: null }
    case 'pending-changed': {
      // A viewer's refused edits stop being an error once nothing is pending any more.
      const error = e.pendingLocal === 0 && s.error?.code === 'read-only' ? null : s.error
      return { ...s, pendingLocal: e.pendingLocal, error }
    }
    case 'acked':
      return s.state === 'synced' || s.state === 'syncing' ? { ...s, lastSyncedAt: e.at } : s
    case 'save-state':
      return { ...s, savedLocally: e.savedLocally }
    case 'error':
      return { ...s, error: e.error }
    case 'role':
      return { ...s, role: e.role }
  }
}

/** Shallow equality, so listeners hear only real changes. */
export const sameStatus = (a: SyncStatus, b: SyncStatus): boolean =>
  a.state === b.state && a.pendingLocal === b.pendingLocal && a.lastSyncedAt === b.lastSyncedAt &&
  a.savedLocally === b.savedLocally && a.nextRetryAt === b.nextRetryAt && a.role === b.role &&
  (a.error === b.error || (a.error?.code === b.error?.code && a.error?.message === b.error?.message))
