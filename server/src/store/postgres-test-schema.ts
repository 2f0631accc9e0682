// Test helper: a fresh schema with a random name in the local test database, and pools pinned to
// it, so PostgreSQL tests run in parallel without seeing each other's rows, and drop it afterwards.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Pool } from 'pg'
import { migratePostgres } from './postgres-migrations'
import { createPostgresPool, type PostgresPoolOptions } from './postgres-pool'

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'

export interface PostgresTestSchema {
  readonly url: string
  readonly schema: string
  /** A new pool on the schema (4 connections unless `opts` says), as a separate relay instance would open it; ended by drop(). */
  newPool(opts?: PostgresPoolOptions): Pool
  /** A new pool on the schema, after migrating it once (the first call creates the schema). */
  migratedPool(opts?: PostgresPoolOptions): Promise<Pool>
  /** Ends every pool still open and drops the schema with everything in it. */
  drop(): Promise<void>
}

export function createPostgresTestSchema(prefix: string): PostgresTestSchema {
  const schema = `crm_test_${prefix.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${randomBytes(5).toString('hex')}`
  const pools: Pool[] = []
  let migrated: Promise<void> | undefined
  const newPool = (opts: PostgresPoolOptions = {}) => {
    const pool = createPostgresPool(TEST_DATABASE_URL, { max: 4, ...opts, schema })
    pools.push(pool)
    return pool
  }
  return {
    url: TEST_DATABASE_URL,
    schema,
    newPool,
    async migratedPool(opts) {
      const pool = newPool(opts)
      await (migrated ??= migratePostgres(pool, { schema }))
      return pool
    },
    async drop() {
      // Stores may have ended their pools already (closePool); ending twice would throw.
      await Promise.all(pools.splice(0).filter((p) => !p.ending).map((p) => p.end()))
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await client.connect()
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}
