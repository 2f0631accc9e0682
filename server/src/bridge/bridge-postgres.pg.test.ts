// The bridge in a server on PostgreSQL: its state in the bridge_ tables of the same database,
// the CRDT times from the PostgreSQL update log.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setCustomerField } from '@crm-sync/model'
import { createTestDatabase, type TestDatabase } from '../testing/test-postgres'
import { eventually, startBridgeRig, type BridgeRig } from './bridge-test-kit'

describe('bridge on PostgreSQL', () => {
  let db: TestDatabase
  let rig: BridgeRig
  beforeAll(async () => {
    db = await createTestDatabase()
    rig = await startBridgeRig({ env: { DATABASE_URL: db.url } })
  })
  afterAll(async () => {
    await rig?.dispose()
    await db?.drop()
  })

  it('syncs and keeps its state in the bridge_ tables', async () => {
    await rig.settle()
    expect(rig.companiesByRecordId().size).toBe(60)
    const alice = await rig.client('north-territory')
    const id = [...alice.doc.getMap('customers').keys()][0] as string
    setCustomerField(alice.doc, id, 'industry', 'On Postgres')
    await eventually(() => rig.companiesByRecordId().get(id)?.['industry'] === 'On Postgres', 10_000, 'the edit in the CRM')
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    try {
      const { rows } = await client.query<{ n: string }>("select count(*) as n from bridge_records where kind = 'company'")
      expect(Number(rows[0]?.n)).toBe(60)
      const version = await client.query<{ version: number }>('select version from bridge_schema_version')
      expect(version.rows).toEqual([{ version: 1 }, { version: 2 }])
    } finally {
      await client.end()
    }
  })
})
