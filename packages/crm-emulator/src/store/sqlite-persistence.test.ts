// With a SQLite file the back office survives a restart: records, associations, custom
// properties, ids and webhook subscriptions.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'

const dir = mkdtempSync(join(tmpdir(), 'crm-emulator-'))
let t: EmulatorFixture | undefined
afterEach(async () => {
  await t?.stop()
})

describe('SQLite persistence', () => {
  it('keeps state across a restart', async () => {
    const dbFile = join(dir, 'crm.sqlite')
    t = await startEmulator({ dbFile, appId: 7 })
    await t.client.crm.properties.coreApi.create('companies', {
      name: 'crdt_record_id', label: 'id', type: 'string' as never, fieldType: 'text' as never, groupName: 'g', hasUniqueValue: true,
    })
    const company = await t.client.crm.companies.basicApi.create({ properties: { name: 'Kept', crdt_record_id: 'r1' }, associations: [] })
    const contact = await t.client.crm.contacts.basicApi.create({ properties: { email: 'k@kept.example' }, associations: [] })
    await t.client.crm.associations.v4.basicApi.createDefault('contacts', contact.id, 'companies', company.id)
    t.emulator.webhookRegistry.create('company.creation', undefined, true)
    await t.stop()

    t = await startEmulator({ dbFile, appId: 7 })
    const again = await t.client.crm.companies.basicApi.getById('r1', ['name'], undefined, ['contacts'], false, 'crdt_record_id')
    expect(again.id).toBe(company.id)
    expect(again.properties.name).toBe('Kept')
    expect(again.associations?.contacts?.results[0]?.id).toBe(contact.id)
    const next = await t.client.crm.companies.basicApi.create({ properties: { name: 'New' }, associations: [] })
    expect(Number(next.id)).toBeGreaterThan(Number(contact.id))
    expect(t.emulator.webhookRegistry.list()).toHaveLength(1)
    await t.stop()
    t = undefined
    rmSync(dir, { recursive: true, force: true })
  })
})
