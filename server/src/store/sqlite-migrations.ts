// The SQLite schema as an ordered list of migrations. PRAGMA user_version records how many ran;
// each runs in its own transaction, so a crash or error leaves the previous version intact.
import type BetterSqlite3 from 'better-sqlite3'
import { StoreError } from './store-error'

export interface SqliteMigration {
  /** Says what the step is for; shows up in errors. */
  readonly name: string
  readonly sql: string
}

/** Append only: never edit a migration that has shipped, add a new one. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    name: 'book log, snapshots, books, members',
    sql: `
      -- Not WITHOUT ROWID: rows carry update blobs of up to megabytes, which such tables store badly.
      CREATE TABLE book_log (
        book_id  TEXT    NOT NULL,
        seq      INTEGER NOT NULL CHECK (seq >= 1),
        user_id  TEXT    NOT NULL,
        at       INTEGER NOT NULL,
        "update" BLOB    NOT NULL,
        PRIMARY KEY (book_id, seq)
      ) STRICT;

      CREATE TABLE snapshots (
        book_id TEXT    PRIMARY KEY,
        seq     INTEGER NOT NULL CHECK (seq >= 1),
        data    BLOB    NOT NULL
      ) STRICT;

      CREATE TABLE books (
        id         TEXT    PRIMARY KEY,
        name       TEXT    NOT NULL,
        created_by TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE members (
        book_id TEXT NOT NULL REFERENCES books (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        role    TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
        PRIMARY KEY (book_id, user_id)
      ) STRICT;

      CREATE INDEX members_by_user ON members (user_id);
    `,
  },
  {
    name: 'snapshots in parts',
    sql: `
      -- A big snapshot is written as parts, each in a transaction of its own, then named by its
      -- snapshots row (parts > 0, data empty) in one short last one: writing 16 MiB at once held
      -- the event loop for as long. write_id tells one write's parts from another's (an unfinished
      -- or superseded write leaves parts that no row names, deleted later).
      CREATE TABLE snapshot_parts (
        book_id  TEXT    NOT NULL,
        write_id INTEGER NOT NULL,
        part     INTEGER NOT NULL CHECK (part >= 0),
        data     BLOB    NOT NULL,
        PRIMARY KEY (book_id, write_id, part)
      ) STRICT;

      ALTER TABLE snapshots ADD COLUMN parts INTEGER NOT NULL DEFAULT 0 CHECK (parts >= 0);
      ALTER TABLE snapshots ADD COLUMN write_id INTEGER;
      -- What the compactor keeps beside the snapshot (DocStore.compact's index), if anything.
      ALTER TABLE snapshots ADD COLUMN index_data BLOB;
    `,
  },
]

/** Brings the database up to `migrations.length`; a no-op when it is already there. */
export function migrateSqlite(
  db: BetterSqlite3.Database,
  migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS,
): void {
  const version = () => db.pragma('user_version', { simple: true }) as number
  const current = version()
  if (current > migrations.length) {
    throw new StoreError(
      'invalid',
      `database schema version ${current} is newer than this program knows (${migrations.length})`,
    )
  }
  for (let v = current; v < migrations.length; v++) {
    const migration = migrations[v]!
    // IMMEDIATE takes the write lock first, so two processes opening the file at once cannot both
    // run a step: the second waits (busy_timeout), then sees the new version and skips it.
    try {
      db.transaction(() => {
        if (version() !== v) return
        db.exec(migration.sql)
        db.pragma(`user_version = ${v + 1}`)
      }).immediate()
    } catch (cause) {
      throw new StoreError('io', `migration ${v + 1} (${migration.name}) failed`, { cause })
    }
  }
}
