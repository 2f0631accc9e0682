// The open/closed state every store shares: calls after close() reject with 'closed', and a driver
// error surfaces as StoreError 'io' with its cause, so callers only ever see StoreError.
import { StoreError } from './store-error'

export interface StoreGate {
  readonly isClosed: boolean
  /** Marks the store closed; returns false if it already was. */
  close(): boolean
  /** Runs `op` if the store is open, as a promise; non-StoreError failures become 'io' (or as `toStoreError` says). */
  run<T>(what: string, op: () => T | Promise<T>): Promise<T>
}

/**
 * `toStoreError` turns what an operation threw into the StoreError its caller gets (a driver may
 * know more than 'io': PostgreSQL's timeouts, postgres-errors.ts); it keeps a StoreError as it is.
 */
export function createStoreGate(storeName: string, toStoreError = asStoreError): StoreGate {
  let closed = false
  return {
    get isClosed() {
      return closed
    },
    close() {
      if (closed) return false
      closed = true
      return true
    },
    async run(what, op) {
      if (closed) throw new StoreError('closed', `${storeName} is closed (${what})`)
      try {
        return await op()
      } catch (cause) {
        throw toStoreError(cause, `${storeName}: ${what} failed`)
      }
    },
  }
}

export const asStoreError = (cause: unknown, message: string): StoreError =>
  cause instanceof StoreError ? cause : new StoreError('io', message, { cause })
