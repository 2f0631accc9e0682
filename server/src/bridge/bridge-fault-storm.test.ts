// The fault storm: 2,000 records (1,000 made in a book, 1,000 in the CRM) synced and then changed
// on both sides while the CRM answers 30% of requests with 429, 10% with 500, drops 5% of
// committed write answers, and drops and duplicates webhook batches. Once it settles: nothing
// lost, nothing duplicated, consistency 100%.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { archiveCustomer, createCustomer, patchCustomer, readCustomer, setCustomerField } from '@crm-sync/model'
import { createCrmEmulator, type CrmEmulator } from '@crm-sync/crm-emulator'
import { customersOf, startBridgeRig, WEBHOOK_SECRET, type BridgeRig } from './bridge-test-kit'
import type { ProviderClient } from '../testing/ws-clients'

const N = 1000
const FAULTS = { rate429: 0.3, rate500: 0.1, dropResponseRate: 0.05, webhookDropRate: 0.2, webhookDuplicateRate: 0.2, seed: 42 }

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list]
  let s = seed
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

describe('bridge fault storm', () => {
  let crm: CrmEmulator
  let rig: BridgeRig
  let alice: ProviderClient

  beforeAll(async () => {
    crm = createCrmEmulator({
      webhookSecret: WEBHOOK_SECRET,
      rateLimits: { maxPerWindow: 100_000, searchMaxPerWindow: 100_000 },
      webhooks: { flushIntervalMs: 50, retryBaseMs: 50, timeoutMs: 2_000 },
    })
    await crm.start(0, '127.0.0.1')
    crm.store.transaction(() => {
      for (let i = 0; i < N; i++) crm.store.create('companies', { name: `Office ${i}`, city: 'Leeds', country: 'GB', industry: 'Retail' }, { source: 'IMPORT' })
    })
    crm.faults.set(FAULTS)
    rig = await startBridgeRig({
      crmInstance: crm,
      env: { DEV_SEED: 'false', BRIDGE_DEFAULT_BOOK: 'storm', BRIDGE_CRM_RATE_WINDOW_MS: '100', BRIDGE_RECONCILE_INTERVAL_MS: '600000' },
      prepare: async (server) => {
        await server.books.create({ id: 'storm', name: 'Storm' }, 'alice')
        await server.persistence.directory.setMember('storm', 'crm-bridge', 'editor')
        await server.books.change('storm', 'alice', (doc, origin) => {
          for (let i = 0; i < N; i++) {
            createCustomer(doc, { name: `Book ${i}`, status: 'lead', industry: 'Retail', address: { city: 'Lyon', country: 'FR' } }, { by: 'alice', origin })
          }
        })
      },
    })
    alice = await rig.client('storm', 'alice')
  }, 120_000)

  afterAll(async () => {
    await rig?.dispose()
    await crm?.stop()
  })

  it('loses nothing, duplicates nothing and ends fully consistent', async () => {
    await rig.settle(90_000)
    expect(customersOf(alice.doc)).toHaveLength(2 * N)
    expect(rig.companiesByRecordId().size).toBe(2 * N)

    // Both sides change, on different fields, while the faults go on.
    const ids = shuffled([...alice.doc.getMap('customers').keys()] as string[], 7)
    const bookEdits = ids.slice(0, 500)
    const crmEdits = ids.slice(500, 1000)
    const bookArchives = ids.slice(1000, 1020)
    const crmArchives = ids.slice(1020, 1040)
    const crmIdOf = (id: string) => crm.store.findBy('companies', 'crdt_record_id', id)!.id
    for (const [i, id] of bookEdits.entries()) {
      setCustomerField(alice.doc, id, 'industry', `Book industry ${i}`)
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 10))
    }
    for (const [i, id] of crmEdits.entries()) crm.store.update('companies', crmIdOf(id), { city: `Office city ${i}` }, { source: 'CRM_UI' })
    // Some records change on both sides, on different fields.
    for (const id of bookEdits.slice(0, 100)) crm.store.update('companies', crmIdOf(id), { zip: '12345' }, { source: 'CRM_UI' })
    for (const id of crmEdits.slice(0, 100)) patchCustomer(alice.doc, id, { notes: 'Checked by the rep.' })
    for (const id of bookArchives) archiveCustomer(alice.doc, id)
    for (const id of crmArchives) crm.store.archive('companies', crmIdOf(id), { source: 'CRM_UI' })
    const madeInBook = Array.from({ length: 50 }, (_, i) => createCustomer(alice.doc, { name: `New in book ${i}` }, { by: 'alice' }))
    for (let i = 0; i < 50; i++) crm.store.create('companies', { name: `New in office ${i}` }, { source: 'CRM_UI' })

    rig.service().requestFullReconcile() // webhooks were dropped: the drift repair catches up
    await rig.settle(90_000)

    const live = rig.companiesByRecordId() // throws on a duplicate crdt_record_id
    const customers = new Map(customersOf(alice.doc).map((c) => [c.id, c]))
    expect(crm.store.list('companies').every((r) => r.properties['crdt_record_id'])).toBe(true)
    expect(customers.size).toBe(2 * N + 100)
    expect(live.size).toBe(2 * N + 100 - 40)
    for (const [id, c] of customers) {
      const company = live.get(id)
      if (c.archived) {
        expect(company, `archived ${id} must not be live in the CRM`).toBeUndefined()
        continue
      }
      expect(company, `customer ${id} in the CRM`).toBeDefined()
      expect(company!['name']).toBe(c.name)
      expect(company!['industry'] ?? undefined).toBe(c.industry)
      expect(company!['city'] ?? undefined).toBe(c.address?.city)
      expect(company!['zip'] ?? undefined).toBe(c.address?.postalCode)
      expect(company!['description'] ?? '').toBe(c.notes)
    }
    for (const [i, id] of bookEdits.entries()) expect(live.get(id)?.['industry']).toBe(`Book industry ${i}`)
    for (const id of bookEdits.slice(0, 100)) expect(readCustomer(alice.doc, id)?.address?.postalCode).toBe('12345')
    for (const [i, id] of crmEdits.entries()) expect(readCustomer(alice.doc, id)?.address?.city).toBe(`Office city ${i}`)
    for (const id of crmEdits.slice(0, 100)) expect(live.get(id)?.['description']).toBe('Checked by the rep.')
    for (const id of [...bookArchives, ...crmArchives]) expect(customers.get(id)?.archived).toBe(true)
    for (const id of madeInBook) expect(live.has(id)).toBe(true)
    for (let i = 0; i < 50; i++) expect([...customers.values()].filter((c) => c.name === `New in office ${i}`)).toHaveLength(1)

    const status = await rig.service().status()
    expect(status.consistency).toMatchObject({ ratio: 1, linked: 2 * N + 100 - 40 })
    expect(status.deadLetters).toBe(0)
    const injected = crm.faults.counters.byKind
    expect(injected['429']).toBeGreaterThan(20)
    expect(injected['500']).toBeGreaterThan(5)
    expect(injected.dropResponse).toBeGreaterThan(0)
    expect(injected.webhookDrop + injected.webhookDuplicate).toBeGreaterThan(0)
  }, 180_000)
})
