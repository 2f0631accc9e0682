// For a tab that lists the books this device holds without having them open (the app's book
// picker): it hears when a removal of one of them has ended, in this tab or another, and can look
// again then instead of polling. No message of its own: removeLocalBook queues for the book's lease
// exclusively before it announces `remove` on the book's channel (remove-local-book.ts), so a
// shared request for the lease made on hearing it is granted once that removal let the lease go:
// the book removed, or the removal given up.
import { defaultCrossTabChannel, listenForRemovals } from './cross-tab-channel'
import { createIndexedDbStore } from './indexeddb-local-store'
import type { LocalStore } from './local-store'
import { bookLeaseName, defaultLockManager, type LockManagerLike } from './web-lock'

export interface WatchLocalBookRemovalOptions {
  readonly bookId: string
  /** Where the book is stored (its lease is named after it). Default: IndexedDB, as removeLocalBook's. */
  readonly store?: LocalStore
  /** The channel its removals are announced on (removeLocalBook's `crossTabChannel`); default 'crm-sync:v2:<bookId>'. */
  readonly crossTabChannel?: string
  /** Default: navigator.locks where there is one; null: none, and then nothing is watched. */
  readonly locks?: LockManagerLike | null
}

/**
 * Calls `ended` each time a removal of the book from this device (removeLocalBook, in any tab on
 * the same channel) has ended, whether it removed the book or gave up. Returns a function that
 * stops watching. Without Web Locks the end of a removal cannot be told, and nothing is watched.
 */
export function watchLocalBookRemoval(opts: WatchLocalBookRemovalOptions, ended: () => void): () => void {
  const locks = opts.locks === undefined ? defaultLockManager() : opts.locks
  if (!locks) return () => {}
  const lease = bookLeaseName((opts.store ?? createIndexedDbStore()).locationOf(opts.bookId))
  const stopped = new AbortController()
  const stopListening = listenForRemovals(opts.crossTabChannel ?? defaultCrossTabChannel(opts.bookId), () => {
    locks
      .request(lease, { mode: 'shared', signal: stopped.signal }, async () => {})
      // A lock manager that failed (a broken polyfill): tell at once rather than never.
      .catch(() => {})
      .then(() => {
        if (!stopped.signal.aborted) ended()
      })
  })
  return () => {
    stopped.abort()
    stopListening()
  }
}
