// The SQLite BridgeStateStore against the shared contract, plus its own schema bookkeeping.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect, it } from 'vitest'
import { runBridgeStateStoreContract } from './bridge-state-store.contract'
import { createSqliteBridgeStateStore } from './sqlite-bridge-state-store'

runBridgeStateStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bridge-state-'))
  const file = join(dir, 'state.db')
  let db = new Database(file)
  return {
    store: createSqliteBridgeStateStore(db),
    async reopen() {
      db.close()
      db = new Database(file)
      return createSqliteBridgeStateStore(db)
    },
    async dispose() {
      db.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
})

it('migrates once and records its own schema version', () => {
  const db = new Database(':memory:')
  createSqliteBridgeStateStore(db)
  createSqliteBridgeStateStore(db)
  expect(db.prepare('select version from bridge_schema_version').all()).toEqual([{ version: 1 }])
  db.close()
})
