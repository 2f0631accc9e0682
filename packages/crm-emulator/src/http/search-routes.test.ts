// Search through the official SDK: every filter operator, filter groups, sorts, paging with
// total, the 200 limit and the 10,000-result cap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sdkError, startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'

let t: EmulatorFixture
const ids: string[] = []
beforeAll(async () => {
  t = await startEmulator()
  const rows: Array<Record<string, string>> = [
    { name: 'Alpha Foods', city: 'Lyon', numberofemployees: '10' },
    { name: 'Beta Logistics', city: 'Hamburg', numberofemployees: '250', lifecyclestage: 'customer' },
    { name: 'Gamma Foods', city: 'Lyon', numberofemployees: '40' },
    { name: 'Delta Motors', numberofemployees: '1000' },
    { name: 'Epsilon Labs', city: 'Austin' },
  ]
  for (const properties of rows) {
    ids.push((await t.client.crm.companies.basicApi.create({ properties, associations: [] })).id)
    await new Promise((r) => setTimeout(r, 3))
  }
})
afterAll(() => t.stop())

type Op = 'EQ' | 'NEQ' | 'GT' | 'GTE' | 'LT' | 'LTE' | 'IN' | 'HAS_PROPERTY' | 'NOT_HAS_PROPERTY' | 'BETWEEN' | 'CONTAINS_TOKEN'
const search = (filters: Array<{ propertyName: string; operator: Op; value?: string; values?: string[]; highValue?: string }>, extra: Record<string, unknown> = {}) =>
  t.client.crm.companies.searchApi.doSearch({
    filterGroups: filters.length ? [{ filters: filters as never }] : [], sorts: [], properties: ['name', 'city'], limit: 100, after: undefined as never, ...extra,
  })
const names = (r: { results: Array<{ properties: Record<string, string | null> }> }) => r.results.map((x) => x.properties.name)

describe('search', () => {
  it('filters with EQ, NEQ, IN, HAS_PROPERTY (case-insensitive strings)', async () => {
    expect(names(await search([{ propertyName: 'city', operator: 'EQ', value: 'lyon' }]))).toEqual(['Alpha Foods', 'Gamma Foods'])
    expect(names(await search([{ propertyName: 'city', operator: 'NEQ', value: 'Lyon' }]))).toEqual(['Beta Logistics', 'Delta Motors', 'Epsilon Labs'])
    expect(names(await search([{ propertyName: 'city', operator: 'IN', values: ['hamburg', 'austin'] }]))).toEqual(['Beta Logistics', 'Epsilon Labs'])
    expect((await search([{ propertyName: 'city', operator: 'HAS_PROPERTY' }])).total).toBe(4)
    expect(names(await search([{ propertyName: 'city', operator: 'NOT_HAS_PROPERTY' }]))).toEqual(['Delta Motors'])
    expect(names(await search([{ propertyName: 'name', operator: 'CONTAINS_TOKEN', value: 'foods' }]))).toEqual(['Alpha Foods', 'Gamma Foods'])
  })

  it('wants IN and NOT_IN values on strings in lower case, and matches enumerations case-sensitively', async () => {
    expect(names(await search([{ propertyName: 'city', operator: 'EQ', value: 'HAMBURG' }]))).toEqual(['Beta Logistics'])
    expect(names(await search([{ propertyName: 'city', operator: 'IN', values: ['Hamburg'] }]))).toEqual([])
    expect(names(await search([{ propertyName: 'city', operator: 'IN', values: ['hamburg'] }]))).toEqual(['Beta Logistics'])
    const enumSearch = (value: string) => search([{ propertyName: 'lifecyclestage', operator: 'EQ', value }])
    expect(names(await enumSearch('customer'))).toEqual(['Beta Logistics'])
    expect(names(await enumSearch('Customer'))).toEqual([])
  })

  it('compares numbers numerically with GT, GTE, LT, LTE and BETWEEN', async () => {
    expect(names(await search([{ propertyName: 'numberofemployees', operator: 'GT', value: '40' }]))).toEqual(['Beta Logistics', 'Delta Motors'])
    expect(names(await search([{ propertyName: 'numberofemployees', operator: 'GTE', value: '40' }]))).toEqual(['Beta Logistics', 'Gamma Foods', 'Delta Motors'])
    expect(names(await search([{ propertyName: 'numberofemployees', operator: 'LT', value: '250' }]))).toEqual(['Alpha Foods', 'Gamma Foods'])
    expect(names(await search([{ propertyName: 'numberofemployees', operator: 'LTE', value: '250' }]))).toEqual(['Alpha Foods', 'Beta Logistics', 'Gamma Foods'])
    expect(names(await search([{ propertyName: 'numberofemployees', operator: 'BETWEEN', value: '20', highValue: '300' }]))).toEqual(['Beta Logistics', 'Gamma Foods'])
  })

  it('filters on hs_object_id and on hs_lastmodifieddate as epoch ms or ISO', async () => {
    expect((await search([{ propertyName: 'hs_object_id', operator: 'GT', value: ids[2] ?? '' }])).total).toBe(2)
    const third = await t.client.crm.companies.basicApi.getById(ids[2] ?? '')
    const since = Date.parse(third.properties.hs_lastmodifieddate ?? '')
    expect(names(await search([{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(since) }]))).toEqual(['Gamma Foods', 'Delta Motors', 'Epsilon Labs'])
    expect((await search([{ propertyName: 'hs_lastmodifieddate', operator: 'LT', value: new Date(since).toISOString() }])).total).toBe(2)
  })

  it('ORs filter groups and ANDs filters within a group', async () => {
    const result = await t.client.crm.companies.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'city', operator: 'EQ' as never, value: 'Lyon' }, { propertyName: 'numberofemployees', operator: 'GT' as never, value: '20' }] },
        { filters: [{ propertyName: 'city', operator: 'EQ' as never, value: 'Austin' }] },
      ],
      sorts: [], properties: ['name'], limit: 10, after: undefined as never,
    })
    expect(names(result)).toEqual(['Gamma Foods', 'Epsilon Labs'])
  })

  it('sorts ascending and descending, by string or object form', async () => {
    expect(names(await search([], { sorts: ['-numberofemployees'] }))[0]).toBe('Delta Motors')
    const res = await t.api('/crm/v3/objects/companies/search', {
      method: 'POST', body: JSON.stringify({ sorts: [{ propertyName: 'name', direction: 'DESCENDING' }], properties: ['name'] }),
    })
    const body = (await res.json()) as { results: Array<{ properties: { name: string } }> }
    expect(body.results.map((r) => r.properties.name)[0]).toBe('Gamma Foods')
    expect(names(await search([], { sorts: ['name'] }))).toEqual(['Alpha Foods', 'Beta Logistics', 'Delta Motors', 'Epsilon Labs', 'Gamma Foods'])
  })

  it('refuses more than one sorting rule (HubSpot applies only one)', async () => {
    const error = await sdkError(search([], { sorts: ['city', '-name'] }))
    expect(error.code).toBe(400)
    expect(error.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' })
    expect(String(error.body.message)).toContain('one sorting rule')
  })

  it('pages with limit and after and reports the total', async () => {
    const first = await search([], { limit: 2 })
    expect(first.total).toBe(5)
    expect(first.results).toHaveLength(2)
    const second = await search([], { limit: 2, after: first.paging?.next?.after })
    const third = await search([], { limit: 2, after: second.paging?.next?.after })
    expect(third.results).toHaveLength(1)
    expect(third.paging).toBeUndefined()
    expect([...names(first), ...names(second), ...names(third)]).toHaveLength(5)
  })

  it('matches the free-text query on searchable properties', async () => {
    expect(names(await search([], { query: 'logist' }))).toEqual(['Beta Logistics'])
  })

  it('answers 400 for limit over 200, unknown properties, and paging past 10,000', async () => {
    expect((await sdkError(search([], { limit: 201 }))).code).toBe(400)
    expect((await sdkError(search([{ propertyName: 'nope', operator: 'EQ', value: '1' }]))).code).toBe(400)
    const capped = await sdkError(search([], { after: '10000' }))
    expect(capped.code).toBe(400)
    expect(String(capped.body.message)).toContain('10000')
  })
})
