// A throwaway PostgreSQL database per test file on the local server (trust auth), so tests that
// run several server processes can share one without seeing anyone else's data.
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const TEST_PG_ADMIN_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface TestDatabase {
  readonly url: string
  drop(): Promise<void>
}

export const createTestDatabase = async (): Promise<TestDatabase> => {
  const name = `crm_sync_t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL })
  await admin.connect()
  try {
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(TEST_PG_ADMIN_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL })
      await c.connect()
      try {
        await c.query(`drop database if exists ${name} with (force)`)
      } finally {
        await c.end()
      }
    },
  }
}
