// Batch endpoints through the official SDK: create, read (with 207 for missing ids), update,
// upsert by a unique idProperty, archive, the 100-input limit and HubSpot's refusal of duplicate ids.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sdkError, startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'

let t: EmulatorFixture
beforeEach(async () => {
  t = await startEmulator()
  await t.client.crm.properties.coreApi.create('companies', {
    name: 'crdt_record_id', label: 'CRDT record id', type: 'string' as never, fieldType: 'text' as never, groupName: 'companyinformation', hasUniqueValue: true,
  })
})
afterEach(() => t.stop())

const company = (name: string, extra: Record<string, string> = {}) => ({ properties: { name, ...extra }, associations: [] })

describe('batch API', () => {
  it('creates, reads, updates and archives in batches', async () => {
    const created = await t.client.crm.companies.batchApi.create({ inputs: [company('A'), company('B'), company('C')] })
    expect(created.status).toBe('COMPLETE')
    expect(created.startedAt).toBeInstanceOf(Date)
    expect(created.completedAt).toBeInstanceOf(Date)
    const ids = created.results.map((r) => r.id)
    expect(ids).toHaveLength(3)

    const read = await t.client.crm.companies.batchApi.read({ inputs: ids.map((id) => ({ id })), properties: ['name'], propertiesWithHistory: [] })
    expect(read.results.map((r) => r.properties.name).sort()).toEqual(['A', 'B', 'C'])

    const updated = await t.client.crm.companies.batchApi.update({ inputs: ids.map((id, i) => ({ id, properties: { city: `City ${i}` } })) })
    expect(updated.results.map((r) => r.properties.city).sort()).toEqual(['City 0', 'City 1', 'City 2'])

    await t.client.crm.companies.batchApi.archive({ inputs: [{ id: ids[0] ?? '' }] })
    const page = await t.client.crm.companies.basicApi.getPage(10)
    expect(page.results.map((r) => r.id)).toEqual(ids.slice(1))
  })

  it('answers 207 with OBJECT_NOT_FOUND errors for missing ids on read and update', async () => {
    const created = await t.client.crm.companies.batchApi.create({ inputs: [company('A')] })
    const id = created.results[0]?.id ?? ''
    const read = await t.client.crm.companies.batchApi.read({ inputs: [{ id }, { id: '999999' }], properties: [], propertiesWithHistory: [] })
    expect(read.results).toHaveLength(1)
    expect('numErrors' in read && read.numErrors).toBe(1)
    expect('errors' in read && read.errors?.[0]).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['999999'] } })
    const res = await t.api('/crm/v3/objects/companies/batch/update', {
      method: 'POST', body: JSON.stringify({ inputs: [{ id, properties: { city: 'X' } }, { id: '999999', properties: { city: 'Y' } }] }),
    })
    expect(res.status).toBe(207)
  })

  it('upserts by a unique idProperty: creates then updates, with `new`', async () => {
    const first = await t.client.crm.companies.batchApi.upsert({
      inputs: [{ id: 'cust-1', idProperty: 'crdt_record_id', properties: { name: 'One' } }, { id: 'cust-2', idProperty: 'crdt_record_id', properties: { name: 'Two' } }],
    })
    expect(first.results.map((r) => r._new)).toEqual([true, true])
    expect(first.results[0]?.properties.crdt_record_id).toBe('cust-1')
    const second = await t.client.crm.companies.batchApi.upsert({
      inputs: [{ id: 'cust-1', idProperty: 'crdt_record_id', properties: { name: 'One v2' } }, { id: 'cust-3', idProperty: 'crdt_record_id', properties: { name: 'Three' } }],
    })
    expect(second.results.map((r) => r._new)).toEqual([false, true])
    expect(second.results[0]?.id).toBe(first.results[0]?.id)
    expect(second.results[0]?.properties.name).toBe('One v2')
    expect(t.emulator.store.count('companies')).toBe(3)
  })

  it('rejects upserts on a non-unique property and duplicate ids in one batch', async () => {
    const notUnique = await sdkError(t.client.crm.companies.batchApi.upsert({ inputs: [{ id: 'x', idProperty: 'name', properties: {} }] }))
    expect(notUnique.code).toBe(400)
    const dup = await sdkError(t.client.crm.companies.batchApi.upsert({
      inputs: [{ id: 'c', idProperty: 'crdt_record_id', properties: {} }, { id: 'c', idProperty: 'crdt_record_id', properties: {} }],
    }))
    expect(dup.code).toBe(400)
    expect(dup.body).toMatchObject({ category: 'VALIDATION_ERROR', message: 'Duplicate IDs found in batch input: [c]. IDs must be unique', context: { ids: ['c'] } })
    expect(t.emulator.store.count('companies')).toBe(0)
  })

  it('refuses a whole batch update that names an id twice, as HubSpot does (400, nothing written)', async () => {
    const created = await t.client.crm.companies.batchApi.create({ inputs: [company('A'), company('B')] })
    const [a, b] = created.results.map((r) => r.id) as [string, string]
    const dup = await sdkError(t.client.crm.companies.batchApi.update({
      inputs: [{ id: b, properties: { city: 'Kept out' } }, { id: a, properties: { city: 'First' } }, { id: a, properties: { city: 'Second' } }],
    }))
    expect(dup.code).toBe(400)
    expect(dup.body).toMatchObject({
      status: 'error', category: 'VALIDATION_ERROR', message: `Duplicate IDs found in batch input: [${a}]. IDs must be unique`, context: { ids: [a] },
    })
    expect(t.emulator.store.get('companies', a)?.properties.city).toBeUndefined()
    expect(t.emulator.store.get('companies', b)?.properties.city).toBeUndefined()
  })

  it('rejects more than 100 inputs with a HubSpot 400 and writes nothing', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => company(`C${i}`))
    const error = await sdkError(t.client.crm.companies.batchApi.create({ inputs }))
    expect(error.code).toBe(400)
    expect(error.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' })
    expect(String(error.body.message)).toContain('at most 100')
    expect(t.emulator.store.count('companies')).toBe(0)
    const hundred = await t.client.crm.companies.batchApi.create({ inputs: inputs.slice(0, 100) })
    expect(hundred.results).toHaveLength(100)
  })

  it('fails a whole batch create when one input is invalid', async () => {
    const error = await sdkError(t.client.crm.companies.batchApi.create({ inputs: [company('ok'), company('bad', { nope: '1' })] }))
    expect(error.code).toBe(400)
    expect(t.emulator.store.count('companies')).toBe(0)
  })
})
