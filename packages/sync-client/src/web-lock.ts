// Web Locks (`navigator.locks`) where the environment has them:
// - two tabs never compact one book at once (compaction is optional work: when another tab holds
//   the lock we skip it);
// - every open book holds its book's lease in shared mode, and removing a book's data from the
//   device takes it exclusively, so no tab reads or writes the book while its database goes
//   (book-lease.ts, remove-local-book.ts).

export interface LockOptions {
  readonly mode?: 'shared' | 'exclusive'
  readonly ifAvailable?: boolean
  readonly signal?: AbortSignal
}

/** The slice of the Web Locks API used here (navigator.locks satisfies it). */
export interface LockManagerLike {
  request<T>(name: string, options: LockOptions, callback: (lock: unknown) => Promise<T>): Promise<T>
  /** Answers once every request made before it is known to the manager (Web Locks' `query`). */
  query?(): Promise<unknown>
}

/** navigator.locks, or null where there is none (Node before 22, old browsers). */
export const defaultLockManager = (): LockManagerLike | null => {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : null
}

/**
 * Runs `fn` holding the lock `name`, or resolves to null without running it when another holder
 * has the lock. Without a lock manager, `fn` just runs (one tab, one process).
 */
export const runIfLockFree = async <T>(locks: LockManagerLike | null, name: string, fn: () => Promise<T>): Promise<T | null> => {
  if (!locks) return fn()
  return locks.request(name, { ifAvailable: true }, async (lock) => (lock === null ? null : fn()))
}

/**
 * The lock every open handle of a book holds shared, and its removal takes exclusively: named
 * after where the book is stored (LocalStore.locationOf), so every handle of that stored book
 * holds the same one, whatever its cross-tab channel.
 */
export const bookLeaseName = (location: string): string => `crm-sync:open:${location}`
