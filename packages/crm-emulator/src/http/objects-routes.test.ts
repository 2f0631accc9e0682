// The basic object endpoints through the official SDK: create, read, list with paging, update,
// archive, idProperty look-ups and system properties.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sdkError, startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'

let t: EmulatorFixture
beforeEach(async () => {
  t = await startEmulator()
})
afterEach(() => t.stop())

describe('basic API of companies, contacts and deals', () => {
  it('creates a company with system properties and reads it back', async () => {
    const created = await t.client.crm.companies.basicApi.create({ properties: { name: 'Acme', domain: 'acme.example' }, associations: [] })
    expect(created.id).toMatch(/^\d+$/)
    expect(created.properties).toMatchObject({ name: 'Acme', domain: 'acme.example', hs_object_id: created.id })
    expect(created.properties.createdate).toBe(created.properties.hs_lastmodifieddate)
    expect(created.createdAt).toBeInstanceOf(Date)
    expect(created.archived).toBe(false)

    const read = await t.client.crm.companies.basicApi.getById(created.id, ['name', 'phone', 'not_a_property'])
    expect(read.properties).toEqual({
      name: 'Acme', phone: null, hs_object_id: created.id,
      createdate: created.properties.createdate, hs_lastmodifieddate: created.properties.hs_lastmodifieddate,
    })
    const defaults = await t.client.crm.companies.basicApi.getById(created.id)
    expect(Object.keys(defaults.properties).sort()).toEqual(['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'])
  })

  it('updates with PATCH, moves hs_lastmodifieddate, and leaves it alone when nothing changes', async () => {
    const created = await t.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] })
    await new Promise((r) => setTimeout(r, 5))
    const updated = await t.client.crm.companies.basicApi.update(created.id, { properties: { city: 'Lyon', name: 'Acme SA' } })
    expect(updated.properties).toMatchObject({ city: 'Lyon', name: 'Acme SA' })
    expect(Date.parse(updated.properties.hs_lastmodifieddate ?? '')).toBeGreaterThan(Date.parse(created.properties.hs_lastmodifieddate ?? ''))
    expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime())
    const same = await t.client.crm.companies.basicApi.update(created.id, { properties: { city: 'Lyon' } })
    expect(same.properties.hs_lastmodifieddate).toBe(updated.properties.hs_lastmodifieddate)
    const cleared = await t.client.crm.companies.basicApi.update(created.id, { properties: { city: '' } })
    expect(cleared.properties.city).toBeUndefined()
  })

  it('archives: 204, then 404 unless archived=true', async () => {
    const created = await t.client.crm.deals.basicApi.create({ properties: { dealname: 'Big', amount: '1200', dealstage: 'qualifiedtobuy' }, associations: [] })
    await t.client.crm.deals.basicApi.archive(created.id)
    const missing = await sdkError(t.client.crm.deals.basicApi.getById(created.id))
    expect(missing.code).toBe(404)
    expect(missing.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' })
    const archived = await t.client.crm.deals.basicApi.getById(created.id, undefined, undefined, undefined, true)
    expect(archived.archived).toBe(true)
    expect(archived.archivedAt).toBeInstanceOf(Date)
    const page = await t.client.crm.deals.basicApi.getPage(10, undefined, undefined, undefined, undefined, true)
    expect(page.results.map((r) => r.id)).toEqual([created.id])
  })

  it('lists with limit and after, and getAll walks every page', async () => {
    for (let i = 0; i < 7; i++) await t.client.crm.contacts.basicApi.create({ properties: { email: `p${i}@x.example`, firstname: `P${i}` }, associations: [] })
    const first = await t.client.crm.contacts.basicApi.getPage(3)
    expect(first.results).toHaveLength(3)
    expect(first.paging?.next?.after).toBeTruthy()
    const second = await t.client.crm.contacts.basicApi.getPage(3, first.paging?.next?.after)
    expect(second.results[0]?.id).not.toBe(first.results[0]?.id)
    const all = await t.client.crm.contacts.getAll(2, undefined, ['firstname'])
    expect(all.map((c) => c.properties.firstname)).toEqual(['P0', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6'])
  })

  it('reads and updates by a unique idProperty', async () => {
    const created = await t.client.crm.contacts.basicApi.create({ properties: { email: 'ana@x.example' }, associations: [] })
    const byEmail = await t.client.crm.contacts.basicApi.getById('ana@x.example', undefined, undefined, undefined, false, 'email')
    expect(byEmail.id).toBe(created.id)
    const updated = await t.client.crm.contacts.basicApi.update('ana@x.example', { properties: { jobtitle: 'CFO' } }, 'email')
    expect(updated.properties.jobtitle).toBe('CFO')
    const notUnique = await sdkError(t.client.crm.contacts.basicApi.getById('CFO', undefined, undefined, undefined, false, 'jobtitle'))
    expect(notUnique.code).toBe(400)
  })

  it('rejects unknown, read-only and badly typed values with HubSpot 400s', async () => {
    const unknown = await sdkError(t.client.crm.companies.basicApi.create({ properties: { nope: 'x' }, associations: [] }))
    expect(unknown.code).toBe(400)
    expect(unknown.body).toMatchObject({ category: 'VALIDATION_ERROR' })
    expect(String(unknown.body.message)).toContain('PROPERTY_DOESNT_EXIST')
    const readOnly = await sdkError(t.client.crm.companies.basicApi.create({ properties: { hs_object_id: '5' }, associations: [] }))
    expect(String(readOnly.body.message)).toContain('READ_ONLY_VALUE')
    const badNumber = await sdkError(t.client.crm.deals.basicApi.create({ properties: { amount: 'lots' }, associations: [] }))
    expect(String(badNumber.body.message)).toContain('INVALID_FLOAT')
    const badOption = await sdkError(t.client.crm.deals.basicApi.create({ properties: { dealstage: 'nirvana' }, associations: [] }))
    expect(String(badOption.body.message)).toContain('INVALID_OPTION')
    const badType = await sdkError(t.client.crm.objects.basicApi.getPage('widgets', 10))
    expect(badType.code).toBe(400)
  })

  it('normalises dates to ISO and accepts object type ids in paths', async () => {
    const deal = await t.client.crm.objects.basicApi.create('0-3', { properties: { dealname: 'D', closedate: '1700000000000' }, associations: [] })
    expect(deal.properties.closedate).toBe(new Date(1_700_000_000_000).toISOString())
  })
})
