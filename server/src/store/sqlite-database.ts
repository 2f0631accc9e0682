// Opens the one SQLite file that the DocStore and the BookDirectory share, tuned so that a
// resolved commit survives a crash or power loss, and brings its schema up to date.
import Database from 'better-sqlite3'
import type BetterSqlite3 from 'better-sqlite3'
import { migrateSqlite } from './sqlite-migrations'
import { StoreError } from './store-error'

export type SqliteDatabase = BetterSqlite3.Database

export interface SqliteDatabaseOptions {
  /** How long a writer waits for another connection's lock before failing (ms). */
  readonly busyTimeoutMs?: number
}

const DEFAULTS = { busyTimeoutMs: 5_000 } as const satisfies SqliteDatabaseOptions

export function openSqliteDatabase(path: string, opts: SqliteDatabaseOptions = {}): SqliteDatabase {
  const o = { ...DEFAULTS, ...opts } satisfies SqliteDatabaseOptions
  let db: SqliteDatabase
  try {
    db = new Database(path, { timeout: o.busyTimeoutMs })
  } catch (cause) {
    throw new StoreError('io', `cannot open SQLite database ${path}`, { cause })
  }
  try {
    // WAL: readers never block the writer, and a commit is one sequential append to the log.
    const mode = db.pragma('journal_mode = WAL', { simple: true })
    if (mode !== 'wal' && path !== ':memory:') {
      throw new Error(`journal_mode is ${String(mode)}, expected wal`)
    }
    // FULL (not WAL's usual NORMAL): the WAL is fsynced at every commit, so once a transaction
    // resolves it survives power loss, which is what lets the relay acknowledge an update. (The
    // DocStore's appends do the same fsync themselves, off the event loop: sqlite-wal-sync.ts.)
    db.pragma('synchronous = FULL')
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(o.busyTimeoutMs))}`)
    db.pragma('foreign_keys = ON')
    migrateSqlite(db)
    return db
  } catch (cause) {
    db.close()
    throw cause instanceof StoreError
      ? cause
      : new StoreError('io', `cannot prepare SQLite database ${path}`, { cause })
  }
}
