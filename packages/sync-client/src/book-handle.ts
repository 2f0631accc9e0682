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
  /**
   * Resolves once the locally stored state is applied (rejects with 'local-store-failed'). On a
   * device with nothing stored that is at once, with an empty document: `whenDocument` says when
   * the document holds the book.
   */
  readonly whenLoaded: Promise<void>
  /**
   * Resolves once `doc` is what to show and edit (the app leaves the projection for it then):
   * - with `whenLoaded`, when something was stored on this device, or no relay list was fetched;
   * - on a device with nothing stored that fetched the relay's list (`serverProjection` option):
   *   once the first sync completed (the relay's state is applied), or, had the list not arrived
   *   by then, when its fetch failed or was given up (`disconnect()`); also when retrying stops
   *   (4403, ...), since nothing more will come into the document until `connect()`.
   * Rejects like `whenLoaded`, and with SyncClientError 'closed' on close() before it resolved.
   */
  readonly whenDocument: Promise<void>
  /**
   * Resolves as soon as the book's customers can be shown, saying from where:
   * - 'projection': the customers are in `projection`, read-only, until `whenDocument`. Either as
   *   last saved on this device, read from IndexedDB before the document (10,000 customers:
   *   ≈0.1–0.2 s instead of ≈1.5 s or more; the document is applied right after, so `doc` and
   *   `customers` are empty until `whenLoaded`), or, on a device with nothing stored for the book,
   *   the relay's list (`serverProjection` option), fetched beside the first sync (10,000
   *   customers: ≈0.8 s on loopback instead of ≈2.2 s for the document).
   * - 'document': no projection was saved yet (first open, a database of an older version, or
   *   `keepProjection: false`): this waited for `whenLoaded` (and, when the relay's list was
   *   fetched, for the first sync or the fetch's failure, whichever came first); read `customers`.
   * Rejects like `whenLoaded` when neither could be read.
   */
  readonly whenReadable: Promise<ReadableFrom>
  /**
   * The customers shown before the document holds the book, read-only, between `whenReadable`
   * ('projection') and `whenDocument`; null before and after (the live document replaces it: read
   * `customers`). `source` says where it comes from:
   * - 'server': the relay's list on a device with nothing stored (`serverProjection` option), as
   *   of the state vector the relay named; never stored here (the device saves its own projection
   *   from the document once it has synced).
   * - 'device': as last saved on this device. How stale: what the last projection write saved.
   *   Writes happen at most every `projectionMs` while customers change (when idle), on `flush()`
   *   and on `close()`, so a page that went away without them may show its last second of edits
   *   late; those customers are listed in `projection.stale`. Other tabs' and devices' changes
   *   show once they were saved here. It is the book of this store and book id only, and goes
   *   with `deleteBook`.
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
   * (e.g. when the page is hidden and may not come back). Resolves once written. The updates are
   * in an IndexedDB transaction committed before this returns, so calling it from `visibilitychange`
   * or `pagehide` keeps them even if the page is unloaded right after (a reload, a closed tab).
   * Rejects with SyncClientError 'local-store-failed' when a write failed (it is retried).
   */
  flush(): Promise<void>
  /** Go online (again): also resumes after a stop. */
  connect(): void
  /** Go offline on purpose; local edits go on being stored. */
  disconnect(): void
  /**
   * Disconnects, writes what is queued, releases everything. Edits made afterwards are not stored.
   * While writes fail it tries three times, a second apart; then it closes all the same and
   * rejects with SyncClientError 'local-store-failed' (what was not written is lost on this device).
   */
  close(): Promise<void>
}

/** Where `whenReadable` found the customers first. */
export type ReadableFrom = 'projection' | 'document'
