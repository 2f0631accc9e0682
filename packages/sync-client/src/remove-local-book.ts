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
// Without Web Locks (Node 20) the handles are told but not waited for: close them first.
import { announceRemoval, defaultCrossTabChannel } from './cross-tab-channel'
import { createIndexedDbStore } from './indexeddb-local-store'
import type { LocalStore } from './local-store'
import { SyncClientError } from './sync-client-error'
import { unrefTimer } from './unref-timer'
import { bookLeaseName, defaultLockManager, type LockManagerLike } from './web-lock'

export interface RemoveLocalBookOptions {
  readonly bookId: string
  /** Default: IndexedDB, as openBook's default. */
  readonly store?: LocalStore
  /** The channel the book's handles were opened with (openBook's `crossTabChannel`); default 'crm-sync:v2:<bookId>'. */
  readonly crossTabChannel?: string | false
  /** Default: navigator.locks where there is one; null: none. */
  readonly locks?: LockManagerLike | null
  /** How long the open handles have to let the book go (a frozen tab may never). Default 10 s. */
  readonly timeoutMs?: number
}

export const REMOVE_LOCAL_BOOK_TIMEOUT_MS = 10_000
/** The delete's own time, however late the lease was granted. */
const MIN_DELETE_MS = 2000

/**
 * Resolves once nothing of the book is stored on this device. Rejects with SyncClientError
 * 'book-in-use' when a handle did not let the book go within `timeoutMs` (nothing was removed), or
 * a database connection kept the delete blocked until then, and 'local-store-failed' when the
 * store could not delete it.
 */
export async function removeLocalBook(opts: RemoveLocalBookOptions): Promise<void> {
  const { bookId } = opts
  const store = opts.store ?? createIndexedDbStore()
  const locks = opts.locks === undefined ? defaultLockManager() : opts.locks
  const channel = opts.crossTabChannel ?? defaultCrossTabChannel(bookId)
  const timeoutMs = opts.timeoutMs ?? REMOVE_LOCAL_BOOK_TIMEOUT_MS
  const deadline = Date.now() + timeoutMs
  const remove = async (): Promise<void> => {
    // A database connection that ignores 'versionchange' blocks the delete: give up at the
    // deadline, so the lease is not held for good (every open of the book would wait behind it).
    let timer: ReturnType<typeof setTimeout> | undefined
    const blocked = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SyncClientError('book-in-use',
        `book ${bookId}'s database is still held open on this device; it is deleted once that connection closes`)), Math.max(MIN_DELETE_MS, deadline - Date.now()))
    })
    unrefTimer(timer)
    try {
      await Promise.race([store.deleteBook(bookId), blocked])
    } catch (e) {
      throw e instanceof SyncClientError ? e : new SyncClientError('local-store-failed', `could not remove book ${bookId} from this device`, { cause: e })
    } finally {
      clearTimeout(timer)
    }
  }
  try {
    if (!locks) {
      if (channel !== false) announceRemoval(channel)
      return await remove()
    }
    const signal = AbortSignal.timeout(timeoutMs)
    const removed = locks.request(bookLeaseName(store.locationOf(bookId)), { mode: 'exclusive', signal }, remove)
    removed.catch(() => {}) // awaited below
    // Queued before the handles are told (a query answers after every request made before it),
    // so that a handle reopening the book at once waits behind the removal.
    await locks.query?.()
    if (channel !== false) announceRemoval(channel)
    await removed.catch((e: unknown) => {
      if (signal.aborted && !(e instanceof SyncClientError)) {
        throw new SyncClientError('book-in-use', `book ${bookId} is still open on this device (a handle, in this tab or another, did not let it go within ${timeoutMs} ms); nothing was removed`, { cause: e })
      }
      throw e
    })
  } finally {
    if (opts.store === undefined) await store.close()
  }
}
