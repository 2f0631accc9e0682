// PostgreSQL persistence as the server opens it (DATABASE_URL): migrated stores on one pool,
// connections pinned to their schema and to durable commits, a health check, and errors typed.
import { afterAll, describe, expect, it } from 'vitest'
import { expectStoreError } from './expect-store-error'
import { createPostgresPool } from './postgres-pool'
import { openPostgresPersistence } from './postgres-persistence'
import { createPostgresTestSchema } from './postgres-test-schema'
import { HEALTH_CHECK_DEADLINE_MS } from '../health-check'
import { startFreezableTcpProxy } from '../testing/freezable-tcp-proxy'

describe('PostgreSQL persistence', () => {
  const db = createPostgresTestSchema('persistence')
  afterAll(() => db.drop())

  it('opens migrated stores on one schema, reports health, and closes idempotently', async () => {
    const persistence = await openPostgresPersistence(db.url, { schema: db.schema })
    expect(persistence.kind).toBe('postgres')
    await persistence.health.check()
    await persistence.directory.createBook({ id: 'north', name: 'North', createdBy: 'alice' })
    const pending = persistence.docStore.append('north', [{ update: new Uint8Array([1, 2]), userId: 'alice' }])
    await persistence.close() // commits the pending append before the pool ends
    await persistence.close()
    expect((await pending).map((u) => u.seq)).toEqual([1])
    await expect(persistence.health.check()).rejects.toThrow()

    const again = await openPostgresPersistence(db.url, { schema: db.schema })
    expect(await again.directory.roleOf('north', 'alice')).toBe('owner')
    expect((await again.docStore.load('north')).headSeq).toBe(1)
    await again.close()
  })

  it('gives up its health check on a server that stopped answering when /health does, dropping the connection', async () => {
    const target = new URL(db.url)
    const proxy = await startFreezableTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    const url = new URL(db.url)
    url.port = String(proxy.port)
    // The pool's own answer deadline (statement_timeout + 5 s) is far longer than /health waits.
    const persistence = await openPostgresPersistence(url.toString(), { schema: db.schema, max: 1, statementTimeoutMs: 60_000 })
    try {
      await persistence.health.check()
      proxy.freeze()
      const started = Date.now()
      await expect(persistence.health.check()).rejects.toThrow('Query read timeout')
      expect(Date.now() - started).toBeGreaterThanOrEqual(HEALTH_CHECK_DEADLINE_MS - 100)
      expect(Date.now() - started).toBeLessThan(HEALTH_CHECK_DEADLINE_MS + 2_000)
      await proxy.whenFewerOpenThan(1, 2_000) // not kept in the pool behind its unanswered query
      proxy.thaw()
      await persistence.health.check()
    } finally {
      await persistence.close()
      await proxy.close()
    }
  }, 20_000)

  it("without a schema option, migrates the connection's current schema (as DATABASE_URL alone does)", async () => {
    const other = createPostgresTestSchema('persistence_default')
    const setup = await other.migratedPool() // creates the schema; the tables are dropped below
    await setup.query('DROP TABLE book_log, book_heads, snapshots, members, books, schema_migrations')
    await setup.end()
    const url = new URL(other.url)
    url.searchParams.set('options', `-c search_path=${other.schema}`)
    try {
      const persistence = await openPostgresPersistence(url.toString())
      await persistence.directory.createBook({ id: 'south', name: 'South', createdBy: 'bob' })
      expect((await persistence.docStore.append('south', [{ update: new Uint8Array([7]), userId: 'bob' }]))[0]!.seq).toBe(1)
      await persistence.close()
    } finally {
      await other.drop()
    }
  })

  it('pins every connection to its schema and to synchronous_commit=on, whatever the URL says', async () => {
    const url = new URL(db.url)
    url.searchParams.set('options', '-c synchronous_commit=off -c search_path=public')
    const pool = createPostgresPool(url.toString(), { schema: db.schema })
    try {
      const { rows } = await pool.query<{ sync: string; schema: string }>(
        'SELECT current_setting($1) AS sync, current_setting($2) AS schema',
        ['synchronous_commit', 'search_path'],
      )
      expect(rows[0]).toEqual({ sync: 'on', schema: db.schema })
    } finally {
      await pool.end()
    }
  })

  it("rejects a URL that is not postgres:// and a bad schema name with 'invalid'", async () => {
    await expectStoreError(openPostgresPersistence('not a url'), 'invalid')
    await expectStoreError(openPostgresPersistence('mysql://127.0.0.1/test'), 'invalid')
    await expectStoreError(openPostgresPersistence(db.url, { schema: 'Has Spaces' }), 'invalid')
  })

  it("fails with 'io' and the driver's error as cause when the server cannot be reached", async () => {
    const error = (await expectStoreError(openPostgresPersistence('postgres://postgres@127.0.0.1:1/test'), 'io')) as Error
    expect(error.cause).toBeInstanceOf(Error)
  })
})
