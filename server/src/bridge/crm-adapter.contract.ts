// The shared test suite every CrmAdapter runs (HubSpot against the emulator today): the behaviour
// the sync logic relies on, from idempotent upserts to id-keyed search paging.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isBridgeError } from './bridge-error'
import type { CrmAdapter } from './crm-adapter'

export interface CrmAdapterFixture {
  adapter: CrmAdapter
  dispose(): Promise<void>
}

const ID = 'crdt_record_id'
const PROPS = ['name', 'phone', ID]

export function runCrmAdapterContract(name: string, make: () => Promise<CrmAdapterFixture>): void {
  describe(`CrmAdapter contract: ${name}`, () => {
    let f: CrmAdapterFixture
    let crm: CrmAdapter
    beforeEach(async () => {
      f = await make()
      crm = f.adapter
      await crm.ensureProperties('companies', [{ name: ID, label: 'CRDT record id', type: 'string', unique: true }])
      await crm.ensureProperties('contacts', [{ name: ID, label: 'CRDT record id', type: 'string', unique: true }])
    })
    afterEach(async () => {
      await f.dispose()
    })

    it('ensureProperties is idempotent', async () => {
      await crm.ensureProperties('companies', [
        { name: ID, label: 'CRDT record id', type: 'string', unique: true },
        { name: 'crdt_book_id', label: 'CRDT book id', type: 'string' },
      ])
      await crm.ensureProperties('companies', [{ name: 'crdt_book_id', label: 'CRDT book id', type: 'string' }])
      const [created] = await crm.upsertBatch('companies', ID, [{ key: 'k1', properties: { name: 'A', crdt_book_id: 'b1' } }])
      expect(created?.object.properties['crdt_book_id']).toBe('b1')
    })

    it('upsert creates once and then updates: a retried create never duplicates', async () => {
      const first = await crm.upsertBatch('companies', ID, [
        { key: 'c-1', properties: { name: 'Acme' } },
        { key: 'c-2', properties: { name: 'Beta' } },
      ])
      expect(first.map((r) => [r.key, r.created])).toEqual([['c-1', true], ['c-2', true]])
      const again = await crm.upsertBatch('companies', ID, [{ key: 'c-1', properties: { name: 'Acme Ltd', phone: '+1 555 0100' } }])
      expect(again[0]?.created).toBe(false)
      expect(again[0]?.object.id).toBe(first[0]?.object.id)
      const page = await crm.listPage('companies', { limit: 100, properties: PROPS })
      expect(page.results.filter((r) => r.properties[ID] === 'c-1')).toHaveLength(1)
      expect(page.results.find((r) => r.properties[ID] === 'c-1')?.properties['name']).toBe('Acme Ltd')
    })

    it('null clears a property; modifiedAt moves forward on change', async () => {
      const [a] = await crm.upsertBatch('companies', ID, [{ key: 'c-3', properties: { name: 'Gamma', phone: '+1 555 0101' } }])
      await new Promise((r) => setTimeout(r, 5))
      const [b] = await crm.upsertBatch('companies', ID, [{ key: 'c-3', properties: { phone: null } }])
      expect(b?.object.properties['phone']).toBeUndefined()
      expect(b!.object.modifiedAt).toBeGreaterThan(a!.object.modifiedAt)
    })

    it('reads by id and by idProperty; missing ones are left out', async () => {
      const [a] = await crm.upsertBatch('companies', ID, [{ key: 'r-1', properties: { name: 'Read me' } }])
      const byKey = await crm.readBatch('companies', ['r-1', 'nope'], { idProperty: ID, properties: PROPS })
      expect(byKey.map((r) => r.id)).toEqual([a?.object.id])
      const byId = await crm.readBatch('companies', [a!.object.id, '999999999'], { properties: PROPS })
      expect(byId.map((r) => r.properties['name'])).toEqual(['Read me'])
    })

    it('updateBatch reports ids that no longer exist', async () => {
      const [a] = await crm.upsertBatch('companies', ID, [{ key: 'u-1', properties: { name: 'U' } }])
      const res = await crm.updateBatch('companies', [
        { id: a!.object.id, properties: { name: 'U2' } },
        { id: '999999998', properties: { name: 'ghost' } },
      ])
      expect(res.results.map((r) => r.properties['name'])).toEqual(['U2'])
      expect(res.missing).toEqual(['999999998'])
    })

    it('searchModified pages by id through a window without skipping or repeating', async () => {
      const since = Date.now() - 1
      for (let b = 0; b < 5; b++) {
        await crm.upsertBatch('companies', ID, Array.from({ length: 90 }, (_, i) => ({ key: `s-${b}-${i}`, properties: { name: `S ${b} ${i}` } })))
      }
      const until = Date.now() + 1
      const seen: string[] = []
      let afterId = '0'
      for (;;) {
        const page = await crm.searchModified('companies', { since, until, afterId, limit: 200, properties: PROPS })
        seen.push(...page.map((r) => r.id))
        if (page.length < 200) break
        afterId = page[page.length - 1]!.id
      }
      expect(seen).toHaveLength(450)
      expect(new Set(seen).size).toBe(450)
      expect([...seen].sort((x, y) => Number(x) - Number(y))).toEqual(seen)
      const later = await crm.searchModified('companies', { since: until + 1, until: until + 60_000, afterId: '0', limit: 200, properties: PROPS })
      expect(later).toEqual([])
    })

    it('archived records leave search and lists, and stay readable as archived', async () => {
      const [a, b] = await crm.upsertBatch('companies', ID, [
        { key: 'a-1', properties: { name: 'Keep' } },
        { key: 'a-2', properties: { name: 'Drop' } },
      ])
      await crm.archiveBatch('companies', [b!.object.id])
      await crm.archiveBatch('companies', [b!.object.id])
      const live = await crm.readBatch('companies', [a!.object.id, b!.object.id], { properties: PROPS })
      expect(live.map((r) => r.id)).toEqual([a!.object.id])
      const archived = await crm.readBatch('companies', [b!.object.id], { properties: PROPS, archived: true })
      expect(archived[0]?.archived).toBe(true)
      const found = await crm.searchModified('companies', { since: 0, until: Date.now() + 1000, afterId: '0', limit: 200, properties: PROPS })
      expect(found.map((r) => r.id)).toEqual([a!.object.id])
    })

    it('associates records (idempotently) and reads the links back', async () => {
      const [co] = await crm.upsertBatch('companies', ID, [{ key: 'p-1', properties: { name: 'Parent' } }])
      const [ct] = await crm.upsertBatch('contacts', ID, [{ key: 'k-1', properties: { firstname: 'Ada', email: 'ada@example.com' } }])
      await crm.associate('contacts', 'companies', [{ from: ct!.object.id, to: co!.object.id }])
      await crm.associate('contacts', 'companies', [{ from: ct!.object.id, to: co!.object.id }])
      const links = await crm.readAssociations('contacts', 'companies', [ct!.object.id])
      expect(links.get(ct!.object.id)).toEqual([co!.object.id])
    })

    it('lists every record across pages', async () => {
      await crm.upsertBatch('companies', ID, Array.from({ length: 30 }, (_, i) => ({ key: `l-${i}`, properties: { name: `L ${i}` } })))
      const ids: string[] = []
      let after: string | undefined
      do {
        const page = await crm.listPage('companies', { limit: 7, properties: PROPS, ...(after ? { after } : {}) })
        ids.push(...page.results.map((r) => r.id))
        after = page.after
      } while (after)
      expect(new Set(ids).size).toBe(30)
    })

    it('refused input is a non-retryable BridgeError', async () => {
      const error = await crm.upsertBatch('companies', ID, [{ key: 'x', properties: { no_such_property: 'x' } }]).catch((e: unknown) => e)
      expect(isBridgeError(error, 'rejected')).toBe(true)
      expect(isBridgeError(error) && error.retryable).toBe(false)
    })
  })
}
