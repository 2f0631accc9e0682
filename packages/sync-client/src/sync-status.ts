import type { BookRole } from '@crm-sync/protocol'

// What a book handle tells the app about its sync: one plain object, replaced (never mutated) on
// every change, so a UI can compare it by reference. The transitions live in sync-status-machine.ts.

export const SYNC_STATES = ['offline', 'connecting', 'syncing', 'synced'] as const
export type SyncState = (typeof SYNC_STATES)[number]

export const SYNC_ERROR_CODES = [
  /** 4403: not a member of the book, or no such book. Retrying stops. */
  'not-member',
  /** 4401: the token was refused, also after fetching a fresh one. */
  'not-authenticated',
  /** The relay refused local changes (the user is a viewer). They stay pending. */
  'read-only',
  /** 4400: the relay found a frame of ours malformed. Retrying stops. */
  'malformed',
  /** 1009: a frame of ours was above the relay's size limit. Retrying stops. */
  'too-big',
  /** 1011 or another failure on the relay's side; retrying. */
  'server-error',
  /** The relay sent a frame that does not follow the protocol; the connection was dropped, retrying. */
  'server-malformed',
  /** getToken() failed; retrying. */
  'token-unavailable',
  /** The relay closed with another 44xx code. Retrying stops. */
  'refused',
  /** IndexedDB (or the given LocalStore) failed to load or write; writes are retried. */
  'local-store-failed',
  /**
   * The book's data was removed from this device (removeLocalBook, in this tab or another): the
   * handle let it go and closed itself. Open the book again to sync it afresh.
   */
  'removed',
] as const
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number]

export interface SyncError {
  readonly code: SyncErrorCode
  readonly message: string
}

export interface SyncStatus {
  readonly state: SyncState
  /** Local updates the relay has not acknowledged as durable yet (kept across reloads). */
  readonly pendingLocal: number
  /** When the relay last confirmed this device's state (synced or acknowledged), ms since the epoch. */
  readonly lastSyncedAt: number | null
  /** Every update applied to the document so far is in a completed IndexedDB transaction. */
  readonly savedLocally: boolean
  readonly error: SyncError | null
  /** When the next reconnect attempt is due (ms since the epoch); null when none is scheduled. */
  readonly nextRetryAt: number | null
  /**
   * The user's role in the book as the relay last said (at connect, and at once when a membership
   * changes while connected); null until it said. Kept while offline: the last word heard.
   */
  readonly role: BookRole | null
}

export const INITIAL_STATUS: SyncStatus = {
  state: 'offline',
  pendingLocal: 0,
  lastSyncedAt: null,
  savedLocally: true,
  error: null,
  nextRetryAt: null,
  role: null,
}
