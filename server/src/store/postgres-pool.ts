// Opens the node-postgres pool that the PostgreSQL stores share. Every connection it makes is
// pinned to the store's schema, to synchronous_commit=on and to our statement_timeout, whatever the
// server's defaults are; no query waits for ever on a locked table, a full pool, a dead network or
// a server that stopped answering.
import pg from 'pg'
import type { Pool } from 'pg'
import { DEFAULT_STATEMENT_TIMEOUT_MS } from './postgres-config'
import { StoreError } from './store-error'

export interface PostgresPoolOptions {
  /** Schema holding the tables (search_path); the server's default when omitted. */
  readonly schema?: string
  /** Most connections the pool opens. */
  readonly max?: number
  /**
   * The longest a statement may run (lock waits included) before PostgreSQL cancels it, which
   * the stores report as StoreError 'timeout'; 0 for no limit. Every connection starts with it
   * (`-c statement_timeout`, after the URL's own options, so it wins over theirs). Migrations
   * lift it for their own transaction; `rolesOf({ timeoutMs })` sets its own for its read.
   */
  readonly statementTimeoutMs?: number
  /**
   * How long a query waits for a pooled connection (a free one, or a new one being opened) before
   * failing with StoreError 'timeout'. node-postgres' default, 0, waits for ever.
   */
  readonly connectionTimeoutMs?: number
  /**
   * Quiet time on a connection's socket before TCP keep-alive probes start (then the OS's probe
   * interval and count), so that a connection the network dropped silently fails and leaves the
   * pool: one waiting for an answer has nothing to send, and without probes would wait for ever.
   */
  readonly keepAliveInitialDelayMs?: number
  /**
   * How long a query waits for the server's answer before the client gives up on it and drops its
   * connection (node-postgres' `query_timeout`), failing with StoreError 'timeout'. For a server
   * that no longer answers at all (stopped, or a network path gone silent while a query was on
   * it: TCP retransmits for about 15 minutes before giving up), which statement_timeout cannot
   * cancel since the server never gets to run it. Set above statementTimeoutMs, so that a server
   * that does answer cancels first and keeps the connection. Default: statementTimeoutMs + 5 s, and
   * no limit when statementTimeoutMs is 0. Migrations lift it for their own statements.
   */
  readonly answerTimeoutMs?: number
  /**
   * Called when an idle pooled connection fails (server restart, network cut). The pool drops the
   * connection and the next query opens a new one; without a listener Node would crash the process.
   */
  readonly onIdleError?: (error: Error) => void
}

const DEFAULTS = {
  max: 10,
  statementTimeoutMs: DEFAULT_STATEMENT_TIMEOUT_MS,
  // A pooled connection is normally free again within ms: one still busy after 10 s is stuck, and
  // the caller is better told so (503, 1013) than kept waiting behind it.
  connectionTimeoutMs: 10_000,
  keepAliveInitialDelayMs: 10_000,
  onIdleError: (error: Error) => process.emitWarning(error),
} as const satisfies PostgresPoolOptions

/** How much longer than statement_timeout the client waits for an answer by default. */
export const ANSWER_GRACE_MS = 5_000

/** The longest setTimeout and statement_timeout take. */
export const NO_DEADLINE_MS = 2_147_483_647

/**
 * How long a migration's statements may go unanswered: waiting for another instance's migrations,
 * or a step rewriting a big table, may take minutes, but a server that stopped answering at
 * start-up must not hold it for ever either.
 */
export const MIGRATION_ANSWER_TIMEOUT_MS = 15 * 60_000

// Plain lower-case identifiers only: the name goes into a startup `options` string, where
// quoting and spaces would need their own escaping, and schemas made by us never need them.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

export function checkSchemaName(schema: unknown): asserts schema is string {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new StoreError('invalid', 'schema must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 chars)')
  }
}

const checkMs = (name: string, ms: number): void => {
  // statement_timeout is an int4 of ms; setTimeout's limit is the same 2^31 - 1.
  if (!Number.isInteger(ms) || ms < 0 || ms > NO_DEADLINE_MS) {
    throw new StoreError('invalid', `${name} must be a whole number of ms from 0 to 2147483647`)
  }
}

/**
 * Parameters node-postgres reads from a URL over the config object, which would override our
 * deadlines: PostgreSQL applies a startup parameter after the `options` switches, and a
 * `query_timeout` from a URL arrives as a string ("0" counts as set, a 1 ms deadline).
 */
const DEADLINE_URL_PARAMETERS = ['statement_timeout', 'idle_in_transaction_session_timeout', 'query_timeout'] as const

interface SessionSettings {
  readonly schema: string | undefined
  readonly statementTimeoutMs: number
  readonly idleInTransactionMs: number
  readonly keepAliveIdleS: number
}

/** The server's keep-alive probes after keepAliveIdleS: this often, and this many unanswered. */
const SERVER_KEEPALIVE = { intervalS: 10, count: 3 } as const

/**
 * Adds startup settings to the URL's own `options` (node-postgres lets a URL's parameters override
 * the config object's, so they must go into the URL). Later `-c` settings win over earlier ones.
 */
function withSessionSettings(url: string, s: SessionSettings): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (cause) {
    // Not the URL itself in the message: it may hold a password.
    throw new StoreError('invalid', 'the PostgreSQL URL cannot be parsed', { cause })
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
    throw new StoreError('invalid', `the PostgreSQL URL has the scheme ${parsed.protocol}, expected postgres:`)
  }
  for (const name of DEADLINE_URL_PARAMETERS) parsed.searchParams.delete(name)
  // Durability is a promise of the store, not a knob: an append resolves only once its commit is
  // flushed to disk, even if the server or the URL sets synchronous_commit=off.
  // Likewise the deadlines: a URL's own (earlier in the options) give way to them. A transaction
  // left open by a client that gave up on its connection while the network lost the close (the
  // server would otherwise hold its row locks, a book's head among them, until its TCP keep-alive
  // notices, two hours by default) ends once it has been idle as long as the client waits for an answer.
  // The server's end of each connection probes as the client's does: a backend whose client
  // vanished silently (outside a transaction) frees its connection slot in about a minute, not
  // after the server's default two hours.
  const settings = [
    '-c synchronous_commit=on',
    `-c statement_timeout=${s.statementTimeoutMs}`,
    `-c idle_in_transaction_session_timeout=${s.idleInTransactionMs}`,
    `-c tcp_keepalives_idle=${s.keepAliveIdleS}`,
    `-c tcp_keepalives_interval=${SERVER_KEEPALIVE.intervalS}`,
    `-c tcp_keepalives_count=${SERVER_KEEPALIVE.count}`,
  ]
  if (s.schema !== undefined) settings.push(`-c search_path=${s.schema}`)
  const own = parsed.searchParams.get('options')
  parsed.searchParams.set('options', [own, ...settings].filter(Boolean).join(' '))
  return parsed.toString()
}

export function createPostgresPool(url: string, opts: PostgresPoolOptions = {}): Pool {
  const o = { ...DEFAULTS, ...opts } satisfies PostgresPoolOptions
  if (o.schema !== undefined) checkSchemaName(o.schema)
  checkMs('statementTimeoutMs', o.statementTimeoutMs)
  checkMs('connectionTimeoutMs', o.connectionTimeoutMs)
  checkMs('keepAliveInitialDelayMs', o.keepAliveInitialDelayMs)
  const answerTimeoutMs = o.answerTimeoutMs
    ?? (o.statementTimeoutMs === 0 ? 0 : Math.min(o.statementTimeoutMs + ANSWER_GRACE_MS, NO_DEADLINE_MS))
  checkMs('answerTimeoutMs', answerTimeoutMs)
  const pool = new pg.Pool({
    connectionString: withSessionSettings(url, {
      schema: o.schema,
      statementTimeoutMs: o.statementTimeoutMs,
      idleInTransactionMs: answerTimeoutMs,
      keepAliveIdleS: Math.ceil(o.keepAliveInitialDelayMs / 1000),
    }),
    max: o.max,
    connectionTimeoutMillis: o.connectionTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: o.keepAliveInitialDelayMs,
    // 0 is node-postgres' "none". A query it gives up on is still the connection's active one, so
    // whoever holds the connection must release it with the error: the pool then ends it, which
    // for a connection with a query on it destroys the socket (postgres-transaction.ts).
    query_timeout: answerTimeoutMs,
  })
  pool.on('error', (error) => o.onIdleError(error))
  return pool
}
