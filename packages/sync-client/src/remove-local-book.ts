// Removes a book's data from this device: its stored updates, the edits the relay never took, the
// projection. For a rep whose edits the relay refuses for good (made a viewer while offline) and
// who wants the book as the relay has it again, and for a device that should no longer hold a book
// its user lost access to. The relay's copy is untouched; opening the book again syncs it afresh.
//
// Every tab that has the book open must let its copy go first, or it would write the book back
// (its document still holds the edits, and it answers other tabs' hellos with them). So:
//   1. ask for the book's lease exclusively (each open handle holds it shared, book-lease.ts);
//   2. tell the book's cross-tab channel: every open handle closes and reports the 'removed' error
//      (the app opens the book again; that waits behind this removal for the lease);
//   3. once every shared holder has let go, delete the database, holding the lease.
// Without Web Locks (Node before 22) the handles are told but not waited for: close them first.
import { announceRemoval } from './cross-tab-channel'
import { createIndexedDbStore } from './indexeddb-local-store'
import type { LocalStore } from './local-store'
import { SyncClientError } from './sync-client-error'
import { bookLeaseName, defaultLockManager, type LockManagerLike } from './web-lock'

export interface RemoveLocalBookOptions {
  readonly bookId: string
  /** Default: IndexedDB, as openBook's default. */
  readonly store?: LocalStore
  /** The channel the book's handles were opened with (openBook's `crossTabChannel`); default 'crm-sync:<bookId>'. */
  readonly crossTabChannel?: string | false
  /** Default: navigator.locks where there is one; null: none. */
  readonly locks?: LockManagerLike | null
  /** How long the open handles have to let the book go (a frozen tab may never). Default 10 s. */
  readonly timeoutMs?: number
}

export const REMOVE_LOCAL_BOOK_TIMEOUT_MS = 10_000

/**
 * Resolves once nothing of the book is stored on this device. Rejects with SyncClientError
 * 'book-in-use' when a handle did not let the book go within `timeoutMs` (nothing was removed),
 * and 'local-store-failed' when the store could not delete it.
 */
export async function removeLocalBook(opts: RemoveLocalBookOptions): Promise<void> {
  const { bookId } = opts
  const store = opts.store ?? createIndexedDbStore()
  const locks = opts.locks === undefined ? defaultLockManager() : opts.locks
  const channel = opts.crossTabChannel ?? `crm-sync:${bookId}`
  const timeoutMs = opts.timeoutMs ?? REMOVE_LOCAL_BOOK_TIMEOUT_MS
  const remove = async (): Promise<void> => {
    try {
      await store.deleteBook(bookId)
    } catch (e) {
      throw e instanceof SyncClientError ? e : new SyncClientError('local-store-failed', `could not remove book ${bookId} from this device`, { cause: e })
    }
  }
  try {
    if (!locks) {
      if (channel !== false) announceRemoval(channel)
      return await remove()
    }
    const signal = AbortSignal.timeout(timeoutMs)
    // Asked before the handles are told, so that one reopening right after waits behind it.
    const removed = locks.request(bookLeaseName(bookId), { mode: 'exclusive', signal }, remove)
    if (channel !== false) announceRemoval(channel)
    await removed.catch((e: unknown) => {
      if (signal.aborted && !(e instanceof SyncClientError)) {
        throw new SyncClientError('book-in-use', `book ${bookId} is still open somewhere on this device (another tab did not let it go within ${timeoutMs} ms); nothing was removed`, { cause: e })
      }
      throw e
    })
  } finally {
    if (opts.store === undefined) await store.close()
  }
}
