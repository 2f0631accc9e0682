// A store read given a deadline: one that never answers (PostgreSQL without a statement timeout, a
// dead connection) must not hold up whoever waits on it. This does not cancel the read: callers
// also ask the store to end it (rolesOf's `timeoutMs`); whatever it answers later is dropped.
import { StoreError } from '../store/store-error'

/** `read`'s answer, or a StoreError 'timeout' once `ms` passed without one. */
export async function readWithin<T>(read: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreError('timeout', `${what}: no answer within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([read, deadline])
  } finally {
    clearTimeout(timer)
  }
}
