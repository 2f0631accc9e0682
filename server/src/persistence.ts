// Chooses and opens the store named by the configuration: SQLite under DATA_DIR by default,
// PostgreSQL when DATABASE_URL is set.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Config } from './config'
import type { HealthCheck } from './health-check'
import type { BookDirectory } from './store/book-directory'
import type { DocStore } from './store/doc-store'
import { createSqliteBookDirectory } from './store/sqlite-book-directory'
import { openSqliteDatabase } from './store/sqlite-database'
import { createSqliteDocStore } from './store/sqlite-doc-store'

export interface Persistence {
  readonly kind: 'sqlite' | 'postgres'
  readonly docStore: DocStore
  readonly directory: BookDirectory
  readonly health: HealthCheck
  close(): Promise<void>
}

export const openPersistence = async (
  config: Pick<Config, 'DATA_DIR' | 'DATABASE_URL' | 'PG_STATEMENT_TIMEOUT_MS'>,
  log?: Pick<Logger, 'warn'>,
): Promise<Persistence> => {
  if (config.DATABASE_URL) {
    const { openPostgresPersistence } = await import('./store/postgres-persistence')
    return openPostgresPersistence(config.DATABASE_URL, { statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS })
  }
  mkdirSync(config.DATA_DIR, { recursive: true })
  const db = openSqliteDatabase(join(config.DATA_DIR, 'crm-sync.db'))
  const docStore = createSqliteDocStore(db, {
    // The connection checkpoints by itself again; only the event loop's latency suffers.
    checkpoints: { onError: (err) => log?.warn({ err }, 'WAL checkpoints are back on the event loop') },
  })
  const directory = createSqliteBookDirectory(db)
  return {
    kind: 'sqlite',
    docStore,
    directory,
    health: { name: 'store', check: async () => void db.prepare('select 1').get() },
    async close() {
      await docStore.close()
      await directory.close()
      db.close()
    },
  }
}
