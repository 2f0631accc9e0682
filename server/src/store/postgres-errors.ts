// What PostgreSQL's and node-postgres' failures mean to the stores: the SQLSTATEs they rely on, and
// a deadline passing (statement_timeout, no pooled connection in time, no answer in time) as
// StoreError 'timeout', which callers answer with "try again later" (HTTP 503, close 1013) instead
// of a failure of their own.
import pg from 'pg'
import { StoreError } from './store-error'
import { asStoreError } from './store-gate'

/** SQLSTATEs the PostgreSQL stores rely on (PostgreSQL's error codes appendix). */
export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  queryCanceled: '57014',
  lockNotAvailable: '55P03',
  tooManyConnections: '53300',
  cannotConnectNow: '57P03',
  adminShutdown: '57P01',
} as const

export const violated = (e: unknown, state: (typeof SQLSTATE)[keyof typeof SQLSTATE]): boolean =>
  e instanceof pg.DatabaseError && e.code === state

/**
 * pg-pool's errors when `connectionTimeoutMillis` passes: no free connection came back in time, or
 * a new one could not be opened in time. They carry no code, so their messages are all there is
 * to go by (postgres-pool.pg.test.ts checks them against the installed pg-pool).
 */
const POOL_TIMEOUT_MESSAGES: readonly string[] = [
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
]

/** No pooled connection came in time: nothing reached the server, so the work may simply be tried again. */
export const isPoolConnectTimeout = (e: unknown): boolean => e instanceof Error && POOL_TIMEOUT_MESSAGES.includes(e.message)

/**
 * node-postgres' error when `query_timeout` (the pool's answerTimeoutMs) passed with no answer. The
 * query may or may not have run (a COMMIT may have been applied), and the connection is lost: it
 * must be released with the error, never used again (inTransaction does).
 */
export const isAnswerTimeout = (e: unknown): boolean => e instanceof Error && e.message === 'Query read timeout'

const timeoutReason = (e: unknown): string | null => {
  // 57014 is also an administrator's pg_cancel_backend: as worth trying again as a timeout.
  if (violated(e, SQLSTATE.queryCanceled)) return 'statement cancelled (statement_timeout)'
  // Also passing states, not failures of the store: worth trying again shortly, as a timeout is.
  if (violated(e, SQLSTATE.lockNotAvailable)) return 'a lock was not granted in time (lock_timeout)'
  if (violated(e, SQLSTATE.tooManyConnections)) return 'the server has no connection to spare'
  if (violated(e, SQLSTATE.cannotConnectNow)) return 'the server is starting up or shutting down'
  if (violated(e, SQLSTATE.adminShutdown)) return 'the server ended the connection (shutting down)'
  if (isPoolConnectTimeout(e)) return 'no database connection in time'
  if (isAnswerTimeout(e)) return 'the server did not answer in time (connection dropped)'
  return null
}

/** A driver failure as StoreError: 'timeout' for a deadline that passed, else as asStoreError ('io'). */
export const toPostgresStoreError = (cause: unknown, message: string): StoreError => {
  if (cause instanceof StoreError) return cause
  const reason = timeoutReason(cause)
  return reason === null ? asStoreError(cause, message) : new StoreError('timeout', `${message}: ${reason}`, { cause })
}
