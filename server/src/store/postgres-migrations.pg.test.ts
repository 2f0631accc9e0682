// PostgreSQL migrations: applied once even when several instances start at once, all or nothing,
// and a database from a newer version of the program is refused.
import { afterAll, describe, expect, it } from 'vitest'
import type { Pool } from 'pg'
import { expectStoreError } from './expect-store-error'
import { migratePostgres, POSTGRES_MIGRATIONS } from './postgres-migrations'
import { createPostgresTestSchema, type PostgresTestSchema } from './postgres-test-schema'

describe('PostgreSQL migrations', () => {
  const schemas: PostgresTestSchema[] = []
  const freshSchema = () => {
    const db = createPostgresTestSchema('migrations')
    schemas.push(db)
    return db
  }
  afterAll(() => Promise.all(schemas.map((db) => db.drop())))

  const versionsOf = async (pool: Pool) =>
    (await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map(
      (r) => r.version,
    )
  const tablesOf = async (pool: Pool, schema: string) =>
    (
      await pool.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema],
      )
    ).rows.map((r) => r.table_name)

  it('creates the schema and applies every step once when several instances start at once', async () => {
    const db = freshSchema()
    const pools = [db.newPool(), db.newPool(), db.newPool(), db.newPool()]
    await Promise.all(pools.map((pool) => migratePostgres(pool, { schema: db.schema })))
    expect(await versionsOf(pools[0]!)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1))
    expect(await tablesOf(pools[0]!, db.schema)).toEqual([
      'book_heads',
      'book_log',
      'books',
      'members',
      'schema_migrations',
      'snapshots',
    ])
    await migratePostgres(pools[1]!, { schema: db.schema }) // up to date: a no-op
    expect(await versionsOf(pools[1]!)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1))
  })

  it('applies steps added later, and rolls back a failing run whole', async () => {
    const db = freshSchema()
    const pool = db.newPool()
    await migratePostgres(pool, { schema: db.schema })
    const added = { name: 'book tags', sql: 'CREATE TABLE book_tags (book_id text, tag text)' }
    const broken = { name: 'broken', sql: 'CREATE TABLE half_done (a int); SELECT no_such_column FROM books' }
    const error = (await expectStoreError(
      migratePostgres(pool, { schema: db.schema, migrations: [...POSTGRES_MIGRATIONS, added, broken] }),
      'io',
    )) as Error
    expect(error.message).toContain('broken')
    expect(await tablesOf(pool, db.schema)).not.toContain('book_tags')
    expect(await tablesOf(pool, db.schema)).not.toContain('half_done')
    const shipped = POSTGRES_MIGRATIONS.map((_, i) => i + 1)
    expect(await versionsOf(pool)).toEqual(shipped)

    await migratePostgres(pool, { schema: db.schema, migrations: [...POSTGRES_MIGRATIONS, added] })
    expect(await versionsOf(pool)).toEqual([...shipped, shipped.length + 1])
    expect(await tablesOf(pool, db.schema)).toContain('book_tags')
  })

  it("is not cut by the pool's statement_timeout or answer deadline: neither a long step nor the wait for another instance's", async () => {
    const db = freshSchema()
    const slow = [{ name: 'a long step', sql: 'SELECT pg_sleep(0.6)' }]
    const limits = { statementTimeoutMs: 200, answerTimeoutMs: 300 }
    const pools = [db.newPool(limits), db.newPool(limits)]
    // One runs the step (0.6 s), the other waits as long for the lock; both past 200 ms.
    await Promise.all(pools.map((pool) => migratePostgres(pool, { schema: db.schema, migrations: slow })))
    expect(await versionsOf(pools[0]!)).toEqual([1])
    // The limit was lifted for the migration's transaction only.
    expect((await pools[0]!.query<{ t: string }>('SELECT current_setting($1) AS t', ['statement_timeout'])).rows[0]!.t).toBe('200ms')
  })

  it("refuses a database migrated by a newer program with 'invalid'", async () => {
    const db = freshSchema()
    const pool = await db.migratedPool()
    await pool.query(`INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')`)
    await expectStoreError(migratePostgres(pool, { schema: db.schema }), 'invalid')
  })

  it("rejects a schema name that is not a plain identifier with 'invalid'", async () => {
    const db = freshSchema()
    await expectStoreError(migratePostgres(db.newPool(), { schema: 'Robert"; DROP TABLE books' }), 'invalid')
  })
})
