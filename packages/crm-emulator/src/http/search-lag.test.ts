// Search with the `searchLagMs` fault: like HubSpot's search index, it sees records as they were a
// moment ago (new ones missing, changed and archived ones in their old version) while reads by id
// see every write at once. The clock is the emulator's own, moved by hand: no waiting.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'

let t: EmulatorFixture
let now = Date.parse('2026-01-05T10:00:00Z')
beforeEach(async () => {
  t = await startEmulator({ clock: () => now })
  const res = await t.api('/__emulator/faults', { method: 'POST', body: JSON.stringify({ searchLagMs: 5_000 }) })
  expect(res.status).toBe(200)
})
afterEach(() => t.stop())

const search = async (filters: Array<{ propertyName: string; operator: string; value: string }> = []) => {
  const res = await t.api('/crm/v3/objects/companies/search', {
    method: 'POST',
    body: JSON.stringify({ filterGroups: filters.length ? [{ filters }] : [], properties: ['name'], limit: 100 }),
  })
  expect(res.status).toBe(200)
  const body = (await res.json()) as { total: number; results: Array<{ id: string; properties: { name: string | null } }> }
  return body
}

describe('search index lag (searchLagMs)', () => {
  it('does not find a new record until the lag has passed, though a read by id does', async () => {
    const { id } = await t.client.crm.companies.basicApi.create({ properties: { name: 'Fresh' }, associations: [] })
    expect((await search()).total).toBe(0)
    expect((await t.client.crm.companies.basicApi.getById(id, ['name'])).properties.name).toBe('Fresh')
    now += 4_999
    expect((await search()).total).toBe(0)
    now += 1
    expect((await search()).results.map((r) => r.id)).toEqual([id])
  })

  it('matches and shows a changed record in its old version, including its old hs_lastmodifieddate', async () => {
    const { id } = await t.client.crm.companies.basicApi.create({ properties: { name: 'Old name' }, associations: [] })
    now += 10_000
    const editedAt = now
    await t.client.crm.companies.basicApi.update(id, { properties: { name: 'New name' } })
    const sinceEdit = [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(editedAt) }]
    expect((await search(sinceEdit)).total).toBe(0)
    expect((await search()).results.map((r) => r.properties.name)).toEqual(['Old name'])
    now += 5_000
    expect((await search(sinceEdit)).results.map((r) => r.properties.name)).toEqual(['New name'])
  })

  it('keeps finding an archived record until the lag has passed', async () => {
    const { id } = await t.client.crm.companies.basicApi.create({ properties: { name: 'Gone soon' }, associations: [] })
    now += 10_000
    await t.client.crm.companies.basicApi.archive(id)
    expect((await search()).results.map((r) => r.id)).toEqual([id])
    now += 5_000
    expect((await search()).total).toBe(0)
  })

  it('sees every write at once with no lag set (the default)', async () => {
    await t.api('/__emulator/faults', { method: 'DELETE' })
    await t.client.crm.companies.basicApi.create({ properties: { name: 'Now' }, associations: [] })
    expect((await search()).total).toBe(1)
  })
})
