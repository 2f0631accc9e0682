// Tests' server on a throwaway PostgreSQL database with a short PG_STATEMENT_TIMEOUT_MS, book 'slow'
// (alice owns it), and `whileLocked(table, fn)` running `fn` while another session holds `table`
// ACCESS EXCLUSIVE in an open transaction: a database that does not answer in time, for real.
import pg from 'pg'
import { afterAll, beforeAll, expect } from 'vitest'
import { createTestDatabase, type TestDatabase } from './test-postgres'
import { startTestServer, type TestServer } from './test-server'

export interface LockedPostgresServer {
  readonly server: TestServer
  /** alice's token. */
  readonly token: string
  whileLocked<T>(table: string, fn: () => Promise<T>): Promise<T>
}

/** Registers beforeAll/afterAll for the fixture; its fields are usable inside tests. */
export function lockedPostgresServerFixture(statementTimeoutMs: number): LockedPostgresServer {
  const f = {} as { db: TestDatabase; server: TestServer; locker: pg.Client; token: string }
  beforeAll(async () => {
    f.db = await createTestDatabase()
    f.server = await startTestServer({ DATABASE_URL: f.db.url, PG_STATEMENT_TIMEOUT_MS: String(statementTimeoutMs) })
    f.token = await f.server.token('alice')
    const created = await fetch(`${f.server.url}/api/books`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'slow', name: 'Slow' }),
    })
    expect(created.status).toBe(201)
    f.locker = new pg.Client({ connectionString: f.db.url })
    await f.locker.connect()
  })
  afterAll(async () => {
    await f.locker?.end()
    await f.server?.dispose()
    await f.db?.drop()
  })
  return {
    get server() { return f.server },
    get token() { return f.token },
    async whileLocked(table, fn) {
      await f.locker.query('BEGIN')
      await f.locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`)
      try {
        return await fn()
      } finally {
        await f.locker.query('ROLLBACK')
      }
    },
  }
}
