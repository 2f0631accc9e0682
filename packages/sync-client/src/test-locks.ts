// A Web Locks manager for this package's Node tests (Node 20 has no navigator.locks): the same
// queueing as the browser's, for the options used here. Requests are granted in order; a shared
// request waits behind an earlier exclusive one, so a removal cannot be starved by tabs reopening.
// The browser tests run the real navigator.locks.
import type { LockManagerLike, LockOptions } from './web-lock'

interface Request {
  readonly mode: 'shared' | 'exclusive'
  readonly grant: () => void
}

export const testLockManager = (): LockManagerLike & { held(name: string): number } => {
  const held = new Map<string, { mode: 'shared' | 'exclusive'; count: number }>()
  const queues = new Map<string, Request[]>()

  const grantable = (name: string, mode: 'shared' | 'exclusive'): boolean => {
    const h = held.get(name)
    return !h || (mode === 'shared' && h.mode === 'shared')
  }
  const take = (name: string, mode: 'shared' | 'exclusive'): void => {
    const h = held.get(name)
    if (h) h.count++
    else held.set(name, { mode, count: 1 })
  }
  const pump = (name: string): void => {
    const queue = queues.get(name) ?? []
    while (queue.length > 0 && grantable(name, queue[0]!.mode)) queue.shift()!.grant()
  }

  return {
    held: (name) => held.get(name)?.count ?? 0,
    query: async () => ({ held: [...held.keys()] }),
    async request<T>(name: string, options: LockOptions, callback: (lock: unknown) => Promise<T>): Promise<T> {
      const mode = options.mode ?? 'exclusive'
      const queue = queues.get(name) ?? []
      queues.set(name, queue)
      const free = queue.length === 0 && grantable(name, mode)
      if (!free && options.ifAvailable) return callback(null)
      if (free) take(name, mode)
      else {
        await new Promise<void>((resolve, reject) => {
          const request: Request = { mode, grant: () => (take(name, mode), resolve()) }
          queue.push(request)
          options.signal?.addEventListener('abort', () => {
            const at = queue.indexOf(request)
            if (at < 0) return
            queue.splice(at, 1)
            reject(options.signal!.reason)
            pump(name) // as the browser's: requests queued behind it may be grantable now
          }, { once: true })
        })
      }
      try {
        return await callback({ name, mode })
      } finally {
        const now = held.get(name)!
        if (--now.count === 0) held.delete(name)
        pump(name)
      }
    },
  }
}
