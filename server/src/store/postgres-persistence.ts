// Opens persistence on PostgreSQL (DATABASE_URL): one pool shared by the DocStore and the
// BookDirectory, the schema migrated before either is used, and a health check on the pool.
import type { Persistence } from '../persistence'
import { createPostgresBookDirectory } from './postgres-book-directory'
import { createPostgresDocStore } from './postgres-doc-store'
import { migratePostgres } from './postgres-migrations'
import { createPostgresPool, type PostgresPoolOptions } from './postgres-pool'
import { queryWithin } from './postgres-transaction'
import { HEALTH_CHECK_DEADLINE_MS } from '../health-check'

export type PostgresPersistenceOptions = PostgresPoolOptions

export async function openPostgresPersistence(
  url: string,
  opts: PostgresPersistenceOptions = {},
): Promise<Persistence> {
  const pool = createPostgresPool(url, opts)
  try {
    await migratePostgres(pool, { schema: opts.schema })
  } catch (error) {
    await pool.end()
    throw error
  }
  const docStore = createPostgresDocStore(pool)
  const directory = createPostgresBookDirectory(pool)
  let closing: Promise<void> | undefined
  return {
    kind: 'postgres',
    docStore,
    directory,
    // Its query is given up on (its connection dropped) after as long as /health waits, not 5 s after
    // statement_timeout; that deadline starts once it has a connection (up to the pool's wait).
    health: { name: 'store', check: async () => void (await queryWithin(pool, HEALTH_CHECK_DEADLINE_MS, 'select 1')) },
    close() {
      // The stores first: the DocStore commits its pending appends on the pool before it ends.
      closing ??= (async () => {
        await docStore.close()
        await directory.close()
        await pool.end()
      })()
      return closing
    },
  }
}
