// Web Locks (`navigator.locks`) where the environment has them, so that two tabs never compact
// one book at once. Compaction is optional work: when another tab holds the lock we skip it.

/** The slice of the Web Locks API used here (navigator.locks satisfies it). */
export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>): Promise<T>
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
