// What an open book offers the app: its document, presence, customers, sync status, and the
// promises of how far opening got. Implemented by Book (book.ts).
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import type { BookCustomers } from './book-customers'
import type { CustomerProjection } from './customer-projection'
import type { SyncStatus } from './sync-status'

export interface BookHandle {
  readonly bookId: string
  readonly doc: Y.Doc
  readonly awareness: Awareness
  /** The @crm-sync/model helpers bound to this book and user. */
  readonly customers: BookCustomers
  readonly status: SyncStatus
  /** Listens to status changes; returns the unsubscribe function. */
  on(event: 'status', fn: (status: SyncStatus) => void): () => void
  /** Resolves once the locally stored state is applied (rejects with 'local-store-failed'). */
  readonly whenLoaded: Promise<void>
  /**
   * Resolves as soon as the book's customers can be shown, saying from where:
   * - 'projection': the customers as last saved on this device are in `projection`, read from
   *   IndexedDB before the document (10,000 customers: ≈0.1–0.2 s instead of ≈1.5 s or more). The
   *   document is applied right after, so `doc` and `customers` are empty until `whenLoaded`.
   * - 'document': no projection was saved yet (first open, a database of an older version, or
   *   `keepProjection: false`): this waited for `whenLoaded`; read `customers`.
   * Rejects like `whenLoaded` when neither could be read.
   */
  readonly whenReadable: Promise<ReadableFrom>
  /**
   * The customers as last saved on this device, read-only, between `whenReadable` ('projection')
   * and `whenLoaded`; null before and after (the live document replaces it: read `customers`).
   * How stale: what the last projection write on this device saved. Writes happen at most every
   * `projectionMs` while customers change (when idle), on `flush()` and on `close()`, so a page
   * that went away without them may show its last second of edits late; those customers are
   * listed in `projection.stale`. Other tabs' and devices' changes show once they were saved
   * here. It is the book of this store and book id only, and goes with `deleteBook`.
   */
  readonly projection: CustomerProjection | null
  /**
   * Resolves the next time state is 'synced' with pendingLocal === 0 (at once if it is now).
   * Rejects with SyncClientError 'stopped' when retrying stops (4403, ...) and 'closed' on close().
   */
  whenSynced(): Promise<void>
  /** Resolves once every update so far is in a completed IndexedDB transaction. */
  whenSaved(): Promise<void>
  /**
   * Writes now what would be written soon: queued updates and the projection's pending changes
   * (e.g. when the page is hidden and may not come back). Resolves once written.
   */
  flush(): Promise<void>
  /** Go online (again): also resumes after a stop. */
  connect(): void
  /** Go offline on purpose; local edits go on being stored. */
  disconnect(): void
  /** Disconnects, writes what is queued, releases everything. Edits made afterwards are not stored. */
  close(): Promise<void>
}

/** Where `whenReadable` found the customers first. */
export type ReadableFrom = 'projection' | 'document'
