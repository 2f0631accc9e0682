// Errors thrown or rejected by the sync client, each with a code the app can branch on.
import type { SyncError } from './sync-status'

export const SYNC_CLIENT_ERROR_CODES = [
  /** The handle was closed while the caller waited. */
  'closed',
  /** The handle stopped trying to reach the relay (4403, 4400, 1009, repeated 4401): see `syncError`. */
  'stopped',
  /** No IndexedDB in this environment and no `store` option. */
  'no-local-store',
  /** The local store failed to open, read or write. */
  'local-store-failed',
  /** No WebSocket class in this environment and no `WebSocketPolyfill` option. */
  'no-websocket',
  /**
   * The relay's customer list, fetched to show a fresh device's book before it synced, could not
   * be used (network, HTTP status, malformed or oversized body): reported, never thrown; the book
   * opens from its document as without it.
   */
  'server-projection-failed',
  /** removeLocalBook: a tab with the book open did not let it go in time; nothing was removed. */
  'book-in-use',
] as const
export type SyncClientErrorCode = (typeof SYNC_CLIENT_ERROR_CODES)[number]

export class SyncClientError extends Error {
  override readonly name = 'SyncClientError'
  constructor(
    readonly code: SyncClientErrorCode,
    message: string,
    options?: { cause?: unknown; syncError?: SyncError | null },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.syncError = options?.syncError ?? null
  }

  /** The status error that made the handle stop, for code 'stopped'. */
  readonly syncError: SyncError | null
}

export const isSyncClientError = (e: unknown, code?: SyncClientErrorCode): e is SyncClientError =>
  e instanceof SyncClientError && (code === undefined || e.code === code)
