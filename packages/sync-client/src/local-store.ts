// The device-side persistence contract of a book: an append-only list of Yjs updates (folded
// into one snapshot from time to time), the ids of local updates the relay has not acknowledged
// yet, and a little metadata. Implementations: IndexedDB (indexeddb-local-store.ts) and memory.
// Every implementation runs runLocalStoreContract (local-store.contract.ts).

/** One update to store. Local updates carry a pendingId until the relay acknowledges them. */
export interface LocalUpdate {
  readonly update: Uint8Array
  readonly pendingId?: string
}

/** Everything one write does, in one transaction. */
export interface LocalBatch {
  readonly updates: readonly LocalUpdate[]
  /** Pending ids the relay acknowledged: their markers are removed (unknown ids are ignored). */
  readonly acknowledged: readonly string[]
  /** Stored as the book's lastSyncedAt when given. */
  readonly lastSyncedAt?: number
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
  /** Everything stored for the book; an unknown book loads empty. */
  load(bookId: string): Promise<LocalBookState>
  /**
   * Applies the batch in ONE transaction and resolves only once that transaction completed
   * (the data is on this device). Resolves with the number of update rows stored afterwards.
   */
  write(bookId: string, batch: LocalBatch): Promise<{ readonly rows: number }>
  /**
   * Replaces every stored update row with `fold(rows)`, in one transaction, so that a concurrent
   * write of another tab is either folded in or kept beside the snapshot. Pending markers stay.
   */
  compact(bookId: string, fold: FoldUpdates): Promise<{ readonly before: number; readonly after: number }>
  stats(bookId: string): Promise<LocalStoreStats>
  /** Removes everything stored for the book. */
  deleteBook(bookId: string): Promise<void>
  /** Releases connections; later calls may reopen them. */
  close(): Promise<void>
}
