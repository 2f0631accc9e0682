// The device-side persistence contract of a book: an append-only list of Yjs updates (folded
// into one snapshot from time to time), the ids of local updates the relay has not acknowledged
// yet, a little metadata, and the book's customers as plain objects (the projection, a read model
// to show before the document has loaded). Implementations: IndexedDB (indexeddb-local-store.ts)
// and memory. Every implementation runs runLocalStoreContract (local-store.contract.ts).
import type { Customer } from '@crm-sync/model'

/** Everything one write does, in one transaction. */
export interface LocalBatch {
  /** Update rows to append, in order (BookPersistence merges each batch into one). */
  readonly updates: readonly Uint8Array[]
  /** Pending ids of the local updates in `updates`: a marker each until the relay acknowledges it. */
  readonly pending: readonly string[]
  /** Pending ids the relay acknowledged: their markers are removed (unknown ids are ignored). */
  readonly acknowledged: readonly string[]
  /** Stored as the book's lastSyncedAt when given. */
  readonly lastSyncedAt?: number
  /**
   * A change to the projection, in the same transaction as the updates, so that the projection
   * never claims more than the stored updates hold.
   */
  readonly projection?: ProjectionChange
  /**
   * Customers to mark stale in the stored projection without reading it first (a batch that
   * must be committed at once, see `write`); folded into the projection's status by the next
   * read or change of it. Ignored when the book has no projection.
   */
  readonly staleMarks?: StaleMarks
}

/** Customers changed by a document at `stateVector` whose projection entries were not rewritten. */
export interface StaleMarks {
  readonly ids: readonly string[]
  readonly stateVector: Uint8Array
  /**
   * The writer's document did not trust the stored projection (it was to be rebuilt, or not
   * loaded yet): changes it does not name may be missing from it too, so it must be rebuilt.
   */
  readonly needsRebuild: boolean
}

/**
 * A change to the stored projection of a book's customers. Together with the stale marks, the
 * projection describes the document at `stateVector`: every customer is as stored, except the
 * stale ones, which changed after their entry was written.
 */
export interface ProjectionChange {
  /** Customers to store, replacing any stored under the same id; clears their stale marks. */
  readonly put: readonly Customer[]
  /** Ids to drop (a key deleted from the book's customers map); clears their stale marks. */
  readonly remove: readonly string[]
  /** Ids to mark stale: changed by the batch's updates, not rewritten by this change. */
  readonly stale: readonly string[]
  /**
   * true: `put` is the whole projection (everything else and every stale mark is dropped).
   * false: a change to the stored projection, ignored when the book has none: a store never
   * holds a partial projection.
   */
  readonly replace: boolean
  /** The Yjs state vector of the document the change was read from. */
  readonly stateVector: Uint8Array
}

/** The projection as stored: what `readProjection` gives back. */
export interface StoredProjection {
  /** Every customer of the book in plain form (archived ones too), sorted by id. */
  readonly customers: readonly Customer[]
  /** The state vector of the document it was last written from. */
  readonly stateVector: Uint8Array
  /** Customers changed in the stored updates after their entry was written. */
  readonly stale: readonly string[]
  /**
   * A change came from a document that lacked some of what an earlier one had written (two
   * tabs racing): which entries that affected is unknown, so the projection must be rebuilt.
   */
  readonly needsRebuild: boolean
}

export interface LocalBookState {
  /** The stored updates in the order they were written (a snapshot, when there is one, first). */
  readonly updates: readonly Uint8Array[]
  /** Pending ids still waiting for the relay (in no particular order). */
  readonly pending: readonly string[]
  readonly lastSyncedAt: number | null
}

export interface LocalStoreStats {
  /** Stored update rows, the snapshot included. */
  readonly rows: number
  /** Sum of the stored updates' sizes. */
  readonly bytes: number
  readonly pending: number
}

/**
 * Folds stored updates into one, synchronously (it runs inside the store's transaction).
 * The IndexedDB store calls it with every row it holds, including rows other tabs wrote.
 */
export type FoldUpdates = (updates: readonly Uint8Array[]) => Uint8Array

export interface LocalStore {
  /** Everything stored for the book but the projection; an unknown book loads empty. */
  load(bookId: string): Promise<LocalBookState>
  /** The book's stored projection, or null when it has none (never written, or dropped). */
  readProjection(bookId: string): Promise<StoredProjection | null>
  /**
   * Applies the batch in ONE transaction and resolves only once that transaction completed
   * (the data is on this device). Resolves with the number of update rows stored afterwards.
   * A batch without `projection` waits for no read: the IndexedDB store issues its requests and
   * commits them within the call (after the database is open), so it is saved even when the page
   * is unloaded right after (BookPersistence.flush on page hide relies on that; a transaction that
   * had not committed when the page went is lost).
   */
  write(bookId: string, batch: LocalBatch): Promise<{ readonly rows: number }>
  /**
   * Replaces every stored update row with `fold(rows)`, in one transaction, so that a concurrent
   * write of another tab is either folded in or kept beside the snapshot. Pending markers and the
   * projection stay.
   */
  compact(bookId: string, fold: FoldUpdates): Promise<{ readonly before: number; readonly after: number }>
  stats(bookId: string): Promise<LocalStoreStats>
  /** Removes everything stored for the book, the projection included. */
  deleteBook(bookId: string): Promise<void>
  /**
   * Where the book is kept, the same from every store over the same storage (IndexedDB: the
   * database's name): its lease, which removing the book waits for, is named after it.
   */
  locationOf(bookId: string): string
  /** Releases connections; later calls may reopen them. */
  close(): Promise<void>
}
