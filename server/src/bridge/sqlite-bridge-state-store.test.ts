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
  expect(db.prepare('select version from bridge_schema_version').all()).toEqual([{ version: 1 }, { version: 2 }])
  db.close()
})

it('forgets old webhook deliveries through an index on their time, not a scan', () => {
  const db = new Database(':memory:')
  createSqliteBridgeStateStore(db)
  const plan = db.prepare('explain query plan delete from bridge_webhook_deliveries where at < ?').all(0) as Array<{ detail: string }>
  expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX bridge_webhook_deliveries_at/)
  db.close()
})

it('resolves a write only once the WAL is fsynced, off the event loop, and keeps the connection at FULL', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bridge-state-'))
  const db = new Database(join(dir, 'state.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  const syncs: Array<() => void> = []
  const store = createSqliteBridgeStateStore(db, { fsync: () => new Promise<void>((resolve) => syncs.push(resolve)) })
  try {
    let linked = false
    const write = store.putRecords([{
      kind: 'company', crdtId: 'c1', bookId: 'b1', parentId: null, crmId: '101', base: null, crmModifiedAt: null,
      crmHash: null, bookHash: null, archived: false, parentCrmId: null, updatedAt: 1,
    }]).then(() => (linked = true))
    await new Promise((resolve) => setTimeout(resolve, 20))
    // Committed (readable) but not yet durable: the caller (a claim to the CRM) must still wait.
    expect((await store.getRecords('company', ['c1'])).get('c1')?.crmId).toBe('101')
    expect(linked).toBe(false)
    expect(syncs).toHaveLength(1)
    syncs.shift()!()
    await write
    expect(linked).toBe(true)
    expect(Number(db.pragma('synchronous', { simple: true }))).toBe(2)
    const delivery = store.rememberDelivery('sig', 1_000, 600_000)
    await new Promise((resolve) => setTimeout(resolve, 20))
    syncs.shift()!()
    expect(await delivery).toBe(true)
  } finally {
    await store.close()
    db.close()
    await rm(dir, { recursive: true, force: true })
  }
})
