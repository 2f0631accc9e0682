// Each request fault does what it says: 429/500/503 rates, added latency, commit-but-drop
// (the write lands, the caller sees an error), the fault budget, set by options or over HTTP.
import { afterEach, describe, expect, it } from 'vitest'
import { sdkError, startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'

let t: EmulatorFixture | undefined
afterEach(() => t?.stop())

const setFaults = (config: Record<string, unknown>) =>
  t!.api('/__emulator/faults', { method: 'POST', body: JSON.stringify(config) })

describe('fault injection', () => {
  it('answers every request with the configured status at rate 1, HubSpot-shaped', async () => {
    t = await startEmulator()
    for (const [field, status, category] of [['rate429', 429, 'RATE_LIMITS'], ['rate500', 500, 'INTERNAL_ERROR'], ['rate503', 503, 'SERVICE_UNAVAILABLE']] as const) {
      expect((await setFaults({ [field]: 1 })).status).toBe(200)
      const error = await sdkError(t.client.crm.companies.basicApi.getPage())
      expect(error.code).toBe(status)
      expect(error.body).toMatchObject({ category })
    }
    await setFaults({ rate429: 1 })
    const raw = await t.api('/crm/v3/objects/companies')
    expect(await raw.json()).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING' })
    await t.api('/__emulator/faults', { method: 'DELETE' })
    expect((await t.client.crm.companies.basicApi.getPage()).results).toEqual([])
  })

  it('injects about the configured share of errors (seeded dice)', async () => {
    t = await startEmulator({ faults: { rate500: 0.3, seed: 7 } })
    let failures = 0
    for (let i = 0; i < 100; i++) if ((await t.api('/crm/v3/objects/companies')).status === 500) failures++
    expect(failures).toBeGreaterThan(15)
    expect(failures).toBeLessThan(45)
    const stats = (await (await t.api('/__emulator/faults')).json()) as { stats: { byKind: Record<string, number> } }
    expect(stats.stats.byKind['500']).toBe(failures)
  })

  it('stops after maxFaults', async () => {
    t = await startEmulator({ faults: { rate503: 1, maxFaults: 2 } })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await t.api('/crm/v3/objects/companies')).status)
    expect(statuses).toEqual([503, 503, 200, 200])
  })

  it('adds latency', async () => {
    t = await startEmulator({ faults: { latencyMs: 150 } })
    const started = performance.now()
    await t.client.crm.companies.basicApi.getPage()
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('commits a write but resets the connection (commit-but-drop, reset mode)', async () => {
    t = await startEmulator()
    await setFaults({ dropResponseRate: 1 })
    await expect(t.client.crm.companies.basicApi.create({ properties: { name: 'Ghost' }, associations: [] })).rejects.toThrow()
    await t.api('/__emulator/faults', { method: 'DELETE' })
    const page = await t.client.crm.companies.basicApi.getPage(10, undefined, ['name'])
    expect(page.results.map((r) => r.properties.name)).toEqual(['Ghost'])
  })

  it('commits a write but answers 504 (commit-but-drop, gateway-timeout mode); reads are untouched', async () => {
    t = await startEmulator({ faults: { dropResponseRate: 1, dropResponseMode: 'gateway-timeout' } })
    const error = await sdkError(t.client.crm.companies.batchApi.create({ inputs: [{ properties: { name: 'Ghost' }, associations: [] }] }))
    expect(error.code).toBe(504)
    expect(t.emulator.store.count('companies')).toBe(1)
    expect((await t.client.crm.companies.basicApi.getPage()).results).toHaveLength(1)
    const search = await t.client.crm.companies.searchApi.doSearch({ filterGroups: [], sorts: [], properties: [], limit: 10, after: undefined as never })
    expect(search.total).toBe(1)
  })

  it('rejects an invalid fault configuration with a 400', async () => {
    t = await startEmulator()
    const res = await setFaults({ rate500: 2 })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ category: 'VALIDATION_ERROR', errors: [{ in: 'rate500' }] })
  })
})
