// Seed data and simulated office activity: realistic, deterministic per seed, associated as
// HubSpot does, and served through the /__emulator control API.
import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'
import { generateSeed } from './seed'

let t: EmulatorFixture | undefined
afterEach(() => t?.stop())

describe('seed generator', () => {
  it('makes N realistic companies with contacts and deals, the same for the same seed', () => {
    const a = generateSeed({ companies: 25, seed: 42, now: 1_700_000_000_000 })
    const b = generateSeed({ companies: 25, seed: 42, now: 1_700_000_000_000 })
    expect(a).toEqual(b)
    expect(a).toHaveLength(25)
    for (const company of a) {
      expect(company.properties.name).toMatch(/\w/)
      expect(company.properties.domain).toMatch(/\.example$/)
      expect(company.properties.country).toMatch(/^[A-Z]{2}$/)
      expect(company.contacts.length).toBeGreaterThanOrEqual(1)
      for (const c of company.contacts) expect(c.email).toContain(`@${company.properties.domain}`)
    }
    expect(a.flatMap((c) => c.deals).length).toBeGreaterThan(0)
    expect(generateSeed({ companies: 25, seed: 43 })).not.toEqual(a)
  })

  it('loads through POST /__emulator/seed with primary associations the SDK can read', async () => {
    t = await startEmulator()
    const res = await t.api('/__emulator/seed', { method: 'POST', body: JSON.stringify({ companies: 10, seed: 1 }) })
    expect(res.status).toBe(201)
    const result = (await res.json()) as { companies: number; contacts: number; deals: number; companyIds: string[] }
    expect(result.companies).toBe(10)
    expect(t.emulator.store.count('contacts')).toBe(result.contacts)
    const company = await t.client.crm.companies.basicApi.getById(result.companyIds[0] ?? '', undefined, undefined, ['contacts'])
    expect(company.associations?.contacts?.results.map((r) => r.type)).toContain('company_to_contact')
  })
})

describe('simulated office activity', () => {
  it('makes N edits that move hs_lastmodifieddate and are visible to search', async () => {
    t = await startEmulator()
    t.emulator.seed(20, 9)
    const before = Date.now()
    await new Promise((r) => setTimeout(r, 5))
    const res = await t.api('/__emulator/simulate', { method: 'POST', body: JSON.stringify({ count: 15, seed: 2 }) })
    const body = (await res.json()) as { count: number; edits: Array<{ kind: string; objectType: string; id: string }> }
    expect(body.count).toBe(15)
    expect(new Set(body.edits.map((e) => e.kind))).toContain('update')
    const changed = await t.client.crm.companies.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GT' as never, value: String(before) }] }],
      sorts: [], properties: [], limit: 100, after: undefined as never,
    })
    const companyEdits = new Set(body.edits.filter((e) => e.objectType === 'companies' && e.kind !== 'archive').map((e) => e.id))
    for (const id of companyEdits) if (t.emulator.store.get('companies', id)) expect(changed.results.map((r) => r.id)).toContain(id)
  })

  it('rejects a bad count', async () => {
    t = await startEmulator()
    expect((await t.api('/__emulator/simulate', { method: 'POST', body: JSON.stringify({ count: 0 }) })).status).toBe(400)
  })
})
