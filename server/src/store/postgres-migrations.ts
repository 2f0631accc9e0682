// The PostgreSQL schema as an ordered list of migrations, recorded in `schema_migrations`. Every
// instance runs them at start; an advisory lock makes concurrent starts apply each step once.
import pg from 'pg'
import type { Pool, QueryResultRow } from 'pg'
import { toPostgresStoreError } from './postgres-errors'
import { checkSchemaName } from './postgres-pool'
import { inTransaction, queryUnhurried } from './postgres-transaction'
import { StoreError } from './store-error'

export interface PostgresMigration {
  /** Says what the step is for; recorded in schema_migrations and shown in errors. */
  readonly name: string
  readonly sql: string
}

/** Append only: never edit a migration that has shipped, add a new one. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    name: 'book log, heads, snapshots, books, members',
    sql: `
      -- Ids compare byte-wise (COLLATE "C"), as in SQLite: faster, and the same order everywhere.
      CREATE TABLE book_log (
        book_id  text COLLATE "C" NOT NULL,
        seq      bigint NOT NULL CHECK (seq >= 1),
        user_id  text   NOT NULL,
        at       bigint NOT NULL,
        "update" bytea  NOT NULL,
        PRIMARY KEY (book_id, seq)
      );

      -- The one row every writer of a book locks to take seqs: gapless across instances, and the
      -- head survives pruning. Writers of different books never wait for each other.
      CREATE TABLE book_heads (
        book_id  text COLLATE "C" PRIMARY KEY,
        head_seq bigint NOT NULL CHECK (head_seq >= 1)
      );

      CREATE TABLE snapshots (
        book_id text COLLATE "C" PRIMARY KEY,
        seq     bigint NOT NULL CHECK (seq >= 1),
        data    bytea  NOT NULL
      );

      CREATE TABLE books (
        id         text COLLATE "C" PRIMARY KEY,
        name       text COLLATE "C" NOT NULL,
        created_by text COLLATE "C" NOT NULL,
        created_at bigint NOT NULL
      );

      CREATE TABLE members (
        book_id text COLLATE "C" NOT NULL REFERENCES books (id) ON DELETE CASCADE,
        user_id text COLLATE "C" NOT NULL,
        role    text NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
        PRIMARY KEY (book_id, user_id)
      );

      CREATE INDEX members_by_user ON members (user_id);
    `,
  },
  {
    name: 'snapshots stored uncompressed, with an index',
    sql: `
      -- A big snapshot is read in parts (substring); stored uncompressed (EXTERNAL), PostgreSQL
      -- reads only a part's pages for it, where a compressed one is decompressed from the start
      -- for every part. Yjs updates compress little anyway. Rows written from now on.
      ALTER TABLE snapshots ALTER COLUMN data SET STORAGE EXTERNAL;
      -- What the compactor keeps beside the snapshot (DocStore.compact's index), if anything.
      ALTER TABLE snapshots ADD COLUMN index_data bytea;
    `,
  },
]

export interface MigratePostgresOptions {
  /** Schema to create (if missing) and migrate; the connection's current schema when omitted. */
  readonly schema?: string
  readonly migrations?: readonly PostgresMigration[]
}

/** Arbitrary but fixed: the first half of the advisory lock key, the schema's hash is the second. */
const MIGRATION_LOCK = 0x63726d73 // 'crms'

/**
 * Brings the schema up to `migrations.length` in one transaction, so a failed step leaves the
 * previous version intact (PostgreSQL's DDL is transactional). A no-op when already there.
 */
export async function migratePostgres(pool: Pool, opts: MigratePostgresOptions = {}): Promise<void> {
  const { schema, migrations = POSTGRES_MIGRATIONS } = opts
  if (schema !== undefined) checkSchemaName(schema)
  let step = 'lock'
  try {
    await inTransaction(pool, async (client) => {
      // No statement_timeout for this transaction (the pool's default would cut it), nor the pool's
      // answer deadline: waiting for another instance's migrations, or a step rewriting a big
      // table, may take minutes.
      const query = <R extends QueryResultRow>(text: string, values?: unknown[]) => queryUnhurried<R>(client, text, values)
      await query('SET LOCAL statement_timeout = 0')
      // Held until COMMIT: a second instance starting now waits here, then finds nothing to do.
      await query('SELECT pg_advisory_xact_lock($1, hashtext(coalesce($2::text, current_schema()::text, \'\')))', [
        MIGRATION_LOCK,
        schema ?? null,
      ])
      if (schema !== undefined) {
        const quoted = pg.escapeIdentifier(schema)
        await query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`)
        await query(`SET LOCAL search_path TO ${quoted}`)
      }
      await query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`)
      const { rows } = await query<{ version: number }>(
        'SELECT coalesce(max(version), 0)::integer AS version FROM schema_migrations',
      )
      const current = rows[0]!.version
      if (current > migrations.length) {
        throw new StoreError(
          'invalid',
          `database schema version ${current} is newer than this program knows (${migrations.length})`,
        )
      }
      for (let v = current; v < migrations.length; v++) {
        const migration = migrations[v]!
        step = `migration ${v + 1} (${migration.name})`
        await query(migration.sql)
        await query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [v + 1, migration.name])
      }
      step = 'commit'
    })
  } catch (cause) {
    // 'timeout' when no connection came in time (a server that does not answer).
    throw toPostgresStoreError(cause, `PostgreSQL schema migration failed at ${step}`)
  }
}
