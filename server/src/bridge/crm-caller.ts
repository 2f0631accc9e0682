// Every CRM request of the bridge goes through here: the client-side rate gate first, then the
// call with a timeout, and on failure a retry: 429s wait out the CRM's window (and pause every
// other caller too), 5xx / timeouts / network errors back off exponentially with full jitter.
import { BridgeError, isBridgeError } from './bridge-error'
import type { RateGate, RequestKind } from './rate-gate'

export interface RetryOptions {
  /** Attempts per call in all, the first included. */
  maxAttempts: number
  /** Backoff of retry n is random(0, min(maxDelayMs, baseDelayMs * 2^n)) ("full jitter"). */
  baseDelayMs: number
  maxDelayMs: number
  /** A call that takes longer counts as a transient failure (its result is ignored). */
  timeoutMs: number
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 10_000, timeoutMs: 30_000 }

export interface CrmCallEvents {
  onRequest?(kind: RequestKind, label: string): void
  onRetry?(error: BridgeError, attempt: number, delayMs: number): void
  onFailure?(error: BridgeError): void
}

export interface CrmCaller {
  /** Runs `fn` (one CRM request) under the gate with retries; `classify` turns a thrown error into a BridgeError. */
  call<T>(kind: RequestKind, label: string, fn: () => Promise<T>): Promise<T>
  /** Makes pending and future calls fail fast with code 'stopped'. */
  stop(): void
}

export function createCrmCaller(deps: {
  gate: RateGate
  classify: (error: unknown) => BridgeError
  retry?: Partial<RetryOptions>
  events?: CrmCallEvents
  random?: () => number
  clock?: () => number
}): CrmCaller {
  const retry = { ...DEFAULT_RETRY, ...deps.retry } satisfies RetryOptions
  const random = deps.random ?? Math.random
  const clock = deps.clock ?? Date.now
  const stopper = new AbortController()

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t)
        stopper.signal.removeEventListener('abort', done)
        resolve()
      }
      const t = setTimeout(done, ms)
      t.unref()
      stopper.signal.addEventListener('abort', done, { once: true })
    })

  const once = async <T>(kind: RequestKind, label: string, fn: () => Promise<T>): Promise<T> => {
    try {
      await deps.gate.acquire(kind, stopper.signal)
    } catch (cause) {
      throw new BridgeError('stopped', 'the bridge is stopping', { cause })
    }
    deps.events?.onRequest?.(kind, label)
    let timer: NodeJS.Timeout | undefined
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new BridgeError('transient', `${label}: no answer within ${retry.timeoutMs} ms`)), retry.timeoutMs)
      })
      return await Promise.race([fn(), timeout])
    } catch (error) {
      throw isBridgeError(error) ? error : deps.classify(error)
    } finally {
      clearTimeout(timer)
      deps.gate.release()
    }
  }

  return {
    async call(kind, label, fn) {
      for (let attempt = 1; ; attempt++) {
        if (stopper.signal.aborted) throw new BridgeError('stopped', 'the bridge is stopping')
        try {
          return await once(kind, label, fn)
        } catch (error) {
          const e = isBridgeError(error) ? error : deps.classify(error)
          if (!e.retryable || attempt >= retry.maxAttempts || stopper.signal.aborted) {
            deps.events?.onFailure?.(e)
            throw e
          }
          let delay: number
          if (e.code === 'rate-limited') {
            // Honour the CRM's window for everyone, plus a little jitter so callers don't stampede.
            const wait = e.retryAfterMs ?? retry.baseDelayMs
            deps.gate.pause(clock() + wait)
            delay = wait + random() * Math.min(wait, 250)
          } else {
            delay = random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1))
          }
          deps.events?.onRetry?.(e, attempt, delay)
          await sleep(delay)
        }
      }
    },
    stop() {
      stopper.abort()
      deps.gate.wakeAll()
    },
  }
}
