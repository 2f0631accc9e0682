// Opens the node-postgres pool that the PostgreSQL stores share. Every connection it makes is
// pinned to the store's schema and to synchronous_commit=on, whatever the server's defaults are.
import pg from 'pg'
import type { Pool } from 'pg'
import { StoreError } from './store-error'

export interface PostgresPoolOptions {
  /** Schema holding the tables (search_path); the server's default when omitted. */
  readonly schema?: string
  /** Most connections the pool opens. */
  readonly max?: number
  /**
   * Called when an idle pooled connection fails (server restart, network cut). The pool drops the
   * connection and the next query opens a new one; without a listener Node would crash the process.
   */
  readonly onIdleError?: (error: Error) => void
}

const DEFAULTS = {
  max: 10,
  onIdleError: (error: Error) => process.emitWarning(error),
} as const satisfies PostgresPoolOptions

// Plain lower-case identifiers only: the name goes into a startup `options` string, where
// quoting and spaces would need their own escaping, and schemas made by us never need them.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

export function checkSchemaName(schema: unknown): asserts schema is string {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new StoreError('invalid', 'schema must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 chars)')
  }
}

/**
 * Adds startup settings to the URL's own `options` (node-postgres lets a URL's parameters override
 * the config object's, so they must go into the URL). Later `-c` settings win over earlier ones.
 */
function withSessionSettings(url: string, schema: string | undefined): string {
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
  // Durability is a promise of the store, not a knob: an append resolves only once its commit is
  // flushed to disk, even if the server or the URL sets synchronous_commit=off.
  const settings = ['-c synchronous_commit=on']
  if (schema !== undefined) settings.push(`-c search_path=${schema}`)
  const own = parsed.searchParams.get('options')
  parsed.searchParams.set('options', [own, ...settings].filter(Boolean).join(' '))
  return parsed.toString()
}

export function createPostgresPool(url: string, opts: PostgresPoolOptions = {}): Pool {
  const o = { ...DEFAULTS, ...opts } satisfies PostgresPoolOptions
  if (o.schema !== undefined) checkSchemaName(o.schema)
  const pool = new pg.Pool({ connectionString: withSessionSettings(url, o.schema), max: o.max })
  pool.on('error', (error) => o.onIdleError(error))
  return pool
}
