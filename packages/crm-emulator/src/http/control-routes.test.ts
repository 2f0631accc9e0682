// The emulator's own control API: health, reset, webhook counters and flush.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'

let t: EmulatorFixture
beforeEach(async () => {
  t = await startEmulator()
})
afterEach(() => t.stop())

describe('/__emulator control API', () => {
  it('answers health without a token', async () => {
    const res = await fetch(`${t.url}/__emulator/health`)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('resets records and custom properties', async () => {
    t.emulator.seed(3, 1)
    await t.client.crm.properties.coreApi.create('companies', { name: 'crdt_book_id', label: 'Book', type: 'string' as never, fieldType: 'text' as never, groupName: 'g' })
    expect((await t.api('/__emulator/reset', { method: 'POST' })).status).toBe(200)
    expect(t.emulator.store.count('companies')).toBe(0)
    expect((await t.client.crm.properties.coreApi.getAll('companies')).results.map((p) => p.name)).not.toContain('crdt_book_id')
    const created = await t.client.crm.companies.basicApi.create({ properties: { name: 'After reset' }, associations: [] })
    expect(created.id).toBe('1001')
  })

  it('reports webhook counters and flushes on demand', async () => {
    const stats = await (await t.api('/__emulator/webhooks')).json()
    expect(stats).toEqual({ queued: 0, inFlight: 0, delivered: 0, failed: 0, retried: 0, dropped: 0, duplicated: 0 })
    expect((await t.api('/__emulator/webhooks/flush', { method: 'POST' })).status).toBe(200)
  })
})
