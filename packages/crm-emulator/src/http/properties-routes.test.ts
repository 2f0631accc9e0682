// The properties API through the official SDK, and the unique-value guarantee of a custom
// property such as crdt_record_id on create, update and upsert.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sdkError, startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'

let t: EmulatorFixture
beforeEach(async () => {
  t = await startEmulator()
})
afterEach(() => t.stop())

const uniqueProperty = {
  name: 'crdt_record_id', label: 'CRDT record id', type: 'string' as never, fieldType: 'text' as never,
  groupName: 'companyinformation', hasUniqueValue: true,
}

describe('properties', () => {
  it('lists built-in definitions with HubSpot fields', async () => {
    const all = await t.client.crm.properties.coreApi.getAll('companies')
    const byName = new Map(all.results.map((p) => [p.name, p]))
    expect(byName.get('hs_lastmodifieddate')).toMatchObject({ type: 'datetime', hubspotDefined: true, modificationMetadata: { readOnlyValue: true } })
    expect(byName.get('name')).toMatchObject({ type: 'string', fieldType: 'text' })
    const email = await t.client.crm.properties.coreApi.getByName('contacts', 'email')
    expect(email.hasUniqueValue).toBe(true)
  })

  it('creates, updates and archives a custom property; 409 when it exists', async () => {
    const created = await t.client.crm.properties.coreApi.create('companies', uniqueProperty)
    expect(created).toMatchObject({ name: 'crdt_record_id', hasUniqueValue: true, hubspotDefined: false })
    const again = await sdkError(t.client.crm.properties.coreApi.create('companies', uniqueProperty))
    expect(again.code).toBe(409)
    const updated = await t.client.crm.properties.coreApi.update('companies', 'crdt_record_id', { label: 'Record id' })
    expect(updated.label).toBe('Record id')
    await t.client.crm.properties.coreApi.create('companies', { ...uniqueProperty, name: 'crdt_book_id', hasUniqueValue: false })
    await t.client.crm.properties.coreApi.archive('companies', 'crdt_book_id')
    expect((await sdkError(t.client.crm.properties.coreApi.getByName('companies', 'crdt_book_id'))).code).toBe(404)
    expect((await sdkError(t.client.crm.properties.coreApi.archive('companies', 'name'))).code).toBe(400)
  })

  it('allows at most 10 custom unique properties per object type, as HubSpot does', async () => {
    for (let i = 0; i < 10; i++) await t.client.crm.properties.coreApi.create('companies', { ...uniqueProperty, name: `unique_${i}` })
    const eleventh = await sdkError(t.client.crm.properties.coreApi.create('companies', { ...uniqueProperty, name: 'unique_10' }))
    expect(eleventh.code).toBe(400)
    expect(eleventh.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' })
    await t.client.crm.properties.coreApi.create('companies', { ...uniqueProperty, name: 'not_unique', hasUniqueValue: false })
    await t.client.crm.properties.coreApi.create('deals', { ...uniqueProperty, groupName: 'dealinformation' })
  })

  it('enforces unique values on create, update and upsert', async () => {
    await t.client.crm.properties.coreApi.create('companies', uniqueProperty)
    const first = await t.client.crm.companies.basicApi.create({ properties: { name: 'A', crdt_record_id: 'r1' }, associations: [] })
    const dup = await sdkError(t.client.crm.companies.basicApi.create({ properties: { name: 'B', crdt_record_id: 'r1' }, associations: [] }))
    expect(dup.code).toBe(409)
    expect(dup.body).toMatchObject({ category: 'CONFLICT' })
    expect(String(dup.body.message)).toContain(first.id)
    const other = await t.client.crm.companies.basicApi.create({ properties: { name: 'B', crdt_record_id: 'r2' }, associations: [] })
    expect((await sdkError(t.client.crm.companies.basicApi.update(other.id, { properties: { crdt_record_id: 'r1' } }))).code).toBe(409)
    // Upsert checks the other unique properties too: here the contact's email.
    await t.client.crm.properties.coreApi.create('contacts', { ...uniqueProperty, groupName: 'contactinformation' })
    await t.client.crm.contacts.basicApi.create({ properties: { email: 'a@x.example', crdt_record_id: 'c1' }, associations: [] })
    const upsertClash = await sdkError(t.client.crm.contacts.batchApi.upsert({
      inputs: [{ id: 'c2', idProperty: 'crdt_record_id', properties: { email: 'a@x.example' } }],
    }))
    expect(upsertClash.code).toBe(409)
    expect(t.emulator.store.count('contacts')).toBe(1)
    const batchClash = await sdkError(t.client.crm.companies.batchApi.create({
      inputs: [{ properties: { crdt_record_id: 'r9' }, associations: [] }, { properties: { crdt_record_id: 'r9' }, associations: [] }],
    }))
    expect(batchClash.code).toBe(400)
    expect(t.emulator.store.count('companies')).toBe(2)
  })
})
