// Public face of @crm-sync/sync-client: open a book, keep it on the device, sync it with the
// relay, and tell the app honestly how far that got. No DOM types in this API.
export { openBook, OPEN_BOOK_DEFAULTS, type OpenBookOptions } from './open-book'
export type { GetToken, TokenRequest } from './get-token'
export { findLocalBook, listLocalBooks } from './local-book-copy'
export { removeLocalBook, REMOVE_LOCAL_BOOK_TIMEOUT_MS, type RemoveLocalBookOptions } from './remove-local-book'
export { watchLocalBookRemoval, type WatchLocalBookRemovalOptions } from './watch-local-book-removal'
export type { BookHandle, ReadableFrom } from './book-handle'
export type { CustomerProjection, ProjectionSource } from './customer-projection'
export { SERVER_PROJECTION_DEFAULTS, type ServerProjectionOptions } from './server-projection'
export type { BookCustomers } from './book-customers'
export {
  SYNC_STATES, SYNC_ERROR_CODES, INITIAL_STATUS,
  type SyncState, type SyncStatus, type SyncError, type SyncErrorCode,
} from './sync-status'
export { TRANSITIONS, nextStatus, type SyncEvent, type SyncEventType } from './sync-status-machine'
export {
  SyncClientError, isSyncClientError, SYNC_CLIENT_ERROR_CODES, type SyncClientErrorCode,
} from './sync-client-error'
export type {
  LocalStore, LocalBatch, LocalBookState, LocalStoreStats, FoldUpdates, ProjectionChange, StoredProjection,
} from './local-store'
export { createIndexedDbStore, DEFAULT_DATABASE_PREFIX, type IndexedDbStoreOptions } from './indexeddb-local-store'
export { createMemoryStore } from './memory-local-store'
export { foldUpdates } from './book-persistence'
export { BACKOFF_DEFAULTS, backoffDelay, type BackoffOptions } from './backoff'
export { decideOnClose, type CloseDecision } from './close-policy'
export type { LockManagerLike, LockOptions } from './web-lock'
