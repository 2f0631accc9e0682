// The PostgreSQL BridgeStateStore against the shared contract, in a throwaway database.
import pg from 'pg'
import { runBridgeStateStoreContract } from './bridge-state-store.contract'
import { createPostgresBridgeStateStore } from './postgres-bridge-state-store'
import { createTestDatabase } from '../testing/test-postgres'

runBridgeStateStoreContract('postgres', async () => {
  const db = await createTestDatabase()
  let pool = new pg.Pool({ connectionString: db.url, max: 4 })
  return {
    store: await createPostgresBridgeStateStore(pool),
    async reopen() {
      await pool.end()
      pool = new pg.Pool({ connectionString: db.url, max: 4 })
      return createPostgresBridgeStateStore(pool)
    },
    async dispose() {
      await pool.end()
      await db.drop()
    },
  }
})
