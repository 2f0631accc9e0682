// The bridge's state store on PostgreSQL keeps the store's deadlines: the stand-alone bridge's
// PG_STATEMENT_TIMEOUT_MS reaches its pool, and its migration (under an advisory lock another
// instance may hold for a while) is cut by neither the statement timeout nor the answer deadline.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresPool } from '../store/postgres-pool'
import { createTestDatabase, type TestDatabase } from '../testing/test-postgres'
import { openBridgeStateStore } from './bridge-runtime'
import { createPostgresBridgeStateStore } from './postgres-bridge-state-store'
import { loadStandaloneConfig } from './standalone-config'

let db: TestDatabase
let locker: pg.Client
let dataDir: string

beforeAll(async () => {
  db = await createTestDatabase()
  locker = new pg.Client({ connectionString: db.url })
  await locker.connect()
  dataDir = mkdtempSync(join(tmpdir(), 'bridge-deadlines-'))
})
afterAll(async () => {
  await locker?.end()
  await db?.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('bridge state store on PostgreSQL: deadlines', () => {
  it('migrates while another instance holds the migration lock longer than both deadlines', async () => {
    await locker.query("select pg_advisory_lock(hashtext('crm_bridge_schema'))")
    const unlock = setTimeout(() => locker.query('select pg_advisory_unlock_all()').catch(() => {}), 700)
    const pool = createPostgresPool(db.url, { max: 2, statementTimeoutMs: 200, answerTimeoutMs: 300 })
    const started = Date.now()
    try {
      const store = await createPostgresBridgeStateStore(pool)
      expect(Date.now() - started).toBeGreaterThanOrEqual(650) // it waited for the lock
      await store.setCursor('c', 'v')
      expect(await store.getCursor('c')).toBe('v')
      // The limit was lifted for the migration's transaction only.
      expect((await pool.query<{ t: string }>("select current_setting('statement_timeout') as t")).rows[0]!.t).toBe('200ms')
    } finally {
      clearTimeout(unlock)
      await locker.query('select pg_advisory_unlock_all()') // also when the test failed before the timer
      await pool.end()
    }
  })

  it("applies the stand-alone bridge's PG_STATEMENT_TIMEOUT_MS: a read of a locked table is cancelled after it", async () => {
    const config = loadStandaloneConfig({ DATABASE_URL: db.url, DATA_DIR: dataDir, PG_STATEMENT_TIMEOUT_MS: '250' })
    expect(config.PG_STATEMENT_TIMEOUT_MS).toBe(250)
    const store = await openBridgeStateStore(config)
    try {
      await store.setCursor('mine', 'kept')
      await locker.query('begin')
      await locker.query('lock table bridge_cursors in access exclusive mode')
      const started = Date.now()
      try {
        await expect(store.getCursor('mine')).rejects.toMatchObject({ code: '57014' }) // query_canceled
      } finally {
        await locker.query('rollback')
      }
      const ms = Date.now() - started
      expect(ms).toBeGreaterThanOrEqual(200)
      expect(ms).toBeLessThan(3_000)
      expect(await store.getCursor('mine')).toBe('kept') // the connection serves again
    } finally {
      await store.close()
    }
  })
})
