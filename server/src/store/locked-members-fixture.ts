// Tests' PostgreSQL book directory whose members table another connection can lock, to stand for
// a stuck database: a schema of its own with book 'b' (alice owns it), a pool of 4 connections, and
// `locked(fn)` running `fn` while the table is held ACCESS EXCLUSIVE in an open transaction.
import pg from 'pg'
import type { Pool } from 'pg'
import { afterAll, beforeAll } from 'vitest'
import type { BookDirectory } from './book-directory'
import { createPostgresBookDirectory } from './postgres-book-directory'
import { createPostgresTestSchema } from './postgres-test-schema'

export interface LockedMembersFixture {
  readonly pool: Pool
  readonly dir: BookDirectory
  /** The connection that holds the lock (for looking at pg_stat_activity from outside the pool). */
  readonly locker: pg.Client
  locked<T>(fn: () => Promise<T>): Promise<T>
}

/** Registers beforeAll/afterAll for the fixture; its fields are usable inside tests. */
export function lockedMembersFixture(schema: string): LockedMembersFixture {
  const db = createPostgresTestSchema(schema)
  const f = {} as { pool: Pool; dir: BookDirectory; locker: pg.Client }
  beforeAll(async () => {
    f.pool = await db.migratedPool() // max 4 connections
    f.dir = createPostgresBookDirectory(f.pool)
    await f.dir.createBook({ id: 'b', name: 'Book', createdBy: 'alice' })
    f.locker = new pg.Client({ connectionString: db.url, options: `-c search_path=${db.schema}` })
    await f.locker.connect()
  })
  afterAll(async () => {
    await f.locker?.end()
    await f.dir?.close()
    await db.drop()
  })
  return {
    get pool() { return f.pool },
    get dir() { return f.dir },
    get locker() { return f.locker },
    async locked(fn) {
      await f.locker.query('BEGIN')
      await f.locker.query('LOCK TABLE members IN ACCESS EXCLUSIVE MODE')
      try {
        return await fn()
      } finally {
        await f.locker.query('ROLLBACK')
      }
    },
  }
}
