// What the sync badge says, from the book's sync status and whether the browser has a network.
// The sync client starts a book in 'offline' and goes back to it between reconnect attempts; with
// a network that is a connection about to be tried (a fresh device first fetches the relay's list,
// up to 5 s), so the badge says "Connecting…" then and keeps "Offline" for no network and for a
// connection the relay stopped (refused, not a member, ...), which nothing retries until connect().
import type { SyncErrorCode, SyncStatus } from '@crm-sync/sync-client'

export const BADGE_STATES = ['offline', 'connecting', 'syncing', 'synced'] as const
export type BadgeState = (typeof BADGE_STATES)[number]

/** The errors the sync client stops retrying with (close-policy.ts: 4401 after its retries, 4403, 4400, 1009, 44xx). */
const STOPPING_ERRORS: ReadonlySet<SyncErrorCode> = new Set(['not-member', 'not-authenticated', 'malformed', 'too-big', 'refused'])

/** Offline with no retry scheduled because the relay refused: nothing happens until connect(). */
export const isStopped = (s: SyncStatus): boolean =>
  s.state === 'offline' && s.nextRetryAt === null && s.error !== null && STOPPING_ERRORS.has(s.error.code)

/**
 * `online`: the browser has a network (navigator.onLine and its online/offline events). The app
 * connects the book whenever it has (BookSessionController), so then the book wants to be online.
 * `status` null: no book attached yet (the badge shows nothing then).
 */
export function badgeState(status: SyncStatus | null, online: boolean): BadgeState {
  if (!status) return online ? 'connecting' : 'offline'
  switch (status.state) {
    case 'offline':
      return online && !isStopped(status) ? 'connecting' : 'offline'
    case 'connecting':
      return 'connecting'
    case 'syncing':
      return 'syncing'
    case 'synced':
      return status.pendingLocal === 0 ? 'synced' : 'syncing'
  }
}

export const BADGE_LABELS: Readonly<Record<BadgeState, string>> = {
  offline: 'Offline',
  connecting: 'Connecting…',
  syncing: 'Syncing…',
  synced: 'Synced',
}
