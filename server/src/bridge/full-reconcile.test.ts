// The full reconcile's shortcuts for records in step: a CRM record whose hs_lastmodifieddate is the
// one stored when it was last agreed is skipped without hashing, one with a newer time is compared
// by hash; book hashes are cached per customer and dropped by any change, the bridge's own included.
import { describe, expect, it } from 'vitest'
import pino from 'pino'
import * as Y from 'yjs'
import { addContact, createCustomer, readCustomer, setCustomerField } from '@crm-sync/model'
import { BRIDGE_ORIGIN } from './bridge-books'
import { bookHashOf, bookRecordHashes } from './book-record-hashes'
import { companyValues } from './book-records'
import type { RecordState } from './bridge-state-store'
import { NO_FIELD_CLOCK } from './crdt-field-clock'
import type { CrmAdapter, CrmObject } from './crm-adapter'
import { DEFAULT_FIELD_MAP } from './field-map'
import { scanBooks, scanCrm } from './full-reconcile'
import { createMemoryBridgeStateStore } from './memory-bridge-state-store'
import type { ReconcileDeps, ReconcileItem } from './reconcile-deps'
import { crmHashOf } from './reconciler'
import { fullReconcilePass, verifyDue } from './sync-passes'

const BOOK = 'book-1'
const T0 = Date.parse('2026-01-01T00:00:00.000Z')

function rig(records: CrmObject[]) {
  const state = createMemoryBridgeStateStore()
  const doc = new Y.Doc()
  const seen = new Map<string, string | null>()
  let now = T0 + 60_000
  const crm = {
    name: 'fake',
    async listPage(_type: string, o: { after?: string; limit: number }) {
      const start = o.after ? Number(o.after) : 0
      const results = records.slice(start, start + o.limit)
      return { results, ...(start + o.limit < records.length ? { after: String(start + o.limit) } : {}) }
    },
  } as unknown as CrmAdapter
  const deps: ReconcileDeps = {
    crm, state, clock: NO_FIELD_CLOCK, map: DEFAULT_FIELD_MAP, rules: {} as ReconcileDeps['rules'], portal: 'test',
    log: pino({ level: 'silent' }), now: () => now, ackTimeoutMs: 1_000,
    books: {
      reachable: (b) => b === BOOK, reachableBooks: () => [BOOK], doc: async () => doc, flushed: async () => true,
      recordHashes: async (_b, fresh) => bookRecordHashes(doc, DEFAULT_FIELD_MAP).list(fresh),
      write: async (_b, change) => doc.transact(() => change(doc), BRIDGE_ORIGIN),
    },
    events: { lag: () => {}, conflict: () => {}, echo: () => {}, error: () => {}, crmSeen: (k, id, h) => seen.set(`${k}:${id}`, h) },
  }
  return { state, doc, deps, seen, advance: (ms: number) => (now += ms) }
}

const company = (id: string, crdtId: string, name: string, modifiedAt: number): CrmObject => ({
  id, modifiedAt, archived: false,
  properties: { name, crdt_record_id: crdtId, crdt_book_id: BOOK, hs_lastmodifieddate: new Date(modifiedAt).toISOString() },
})

/** The state the bridge stores once both sides agree on `crm` (and on the book's current values). */
function agreed(deps: ReconcileDeps, doc: Y.Doc, crm: CrmObject, crdtId: string, bookHash?: string): RecordState {
  const customer = readCustomer(doc, crdtId)
  const c = customer ? companyValues(customer) : null
  return {
    kind: 'company', crdtId, bookId: BOOK, parentId: null, crmId: crm.id, base: {}, crmModifiedAt: crm.modifiedAt,
    crmHash: crmHashOf(deps, 'company', crm), bookHash: bookHash ?? (c ? bookHashOf(deps.map, 'company', c) : null), archived: false,
    parentCrmId: null, updatedAt: T0,
  }
}

const collect = async (deps: ReconcileDeps, verify: boolean): Promise<string[]> => {
  const out: ReconcileItem[] = []
  await scanCrm(deps, 'company', async (items) => void out.push(...items), { verify })
  return out.map((i) => i.crm!.id)
}

describe('full reconcile: records in step', () => {
  it('skips a CRM record whose modified time is the agreed one, without hashing it', async () => {
    const a = company('1', 'c-1', 'Acme', T0)
    const { state, doc, deps, seen } = rig([a])
    // A stored hash that no longer matches the content: only a hash comparison would notice.
    await state.putRecords([{ ...agreed(deps, doc, a, 'c-1'), crmHash: 'stale-hash' }])
    expect(await collect(deps, false)).toEqual([])
    expect(seen.get('company:c-1')).toBe('stale-hash') // taken as agreed, not re-hashed
    // A verifying pass hashes every record and catches it.
    expect(await collect(deps, true)).toEqual(['1'])
    expect(seen.get('company:c-1')).toBe(crmHashOf(deps, 'company', a))
  })

  it('reconciles a record written in the CRM since (a newer modified time and other content)', async () => {
    const a = company('1', 'c-1', 'Acme', T0)
    const b = company('2', 'c-2', 'Beta', T0)
    const records = [a, b]
    const { state, doc, deps } = rig(records)
    await state.putRecords([agreed(deps, doc, a, 'c-1'), agreed(deps, doc, b, 'c-2')])
    records[1] = company('2', 'c-2', 'Beta Renamed', T0 + 5)
    expect(await collect(deps, false)).toEqual(['2'])
  })

  it('compares by hash when the time moved but the mapped content did not', async () => {
    const a = company('1', 'c-1', 'Acme', T0)
    const records = [a]
    const { state, doc, deps } = rig(records)
    await state.putRecords([agreed(deps, doc, a, 'c-1')])
    // An unmapped property changed: a new time, the same hash.
    records[0] = { ...company('1', 'c-1', 'Acme', T0 + 9), properties: { ...company('1', 'c-1', 'Acme', T0 + 9).properties, numberofemployees: '12' } }
    expect(await collect(deps, false)).toEqual([])
  })

  it('never skips a record that is not agreed, archived, or linked to another CRM id', async () => {
    const a = company('1', 'c-1', 'A', T0)
    const b = company('2', 'c-2', 'B', T0)
    const c = company('3', 'c-3', 'C', T0)
    const { state, doc, deps } = rig([a, b, c])
    await state.putRecords([
      { ...agreed(deps, doc, a, 'c-1'), base: null },
      { ...agreed(deps, doc, b, 'c-2'), archived: true },
      { ...agreed(deps, doc, c, 'c-3'), crmId: '99' },
    ])
    expect(await collect(deps, false)).toEqual(['1', '2', '3'])
  })

  it('pushes a book-side change even when the CRM time matches, whoever made it', async () => {
    const a = company('1', 'c-1', 'Acme', T0)
    const { state, doc, deps } = rig([a])
    createCustomer(doc, { name: 'Acme' }, { by: 'alice', id: 'c-1' })
    await state.putRecords([agreed(deps, doc, a, 'c-1')])
    const hashes = bookRecordHashes(doc, deps.map)
    expect(await scanBooks(deps)).toEqual([])
    expect(hashes.cached).toBe(1)
    expect(await collect(deps, false)).toEqual([])

    setCustomerField(doc, 'c-1', 'industry', 'Robots')
    expect(hashes.cached).toBe(0)
    expect((await scanBooks(deps)).map((i) => i.crdtId)).toEqual(['c-1'])
    expect(await collect(deps, false)).toEqual([]) // the CRM side is still the agreed one

    // Agreed again; then a write with the bridge's own origin (which the push observer ignores).
    await state.putRecords([agreed(deps, doc, a, 'c-1')])
    expect(await scanBooks(deps)).toEqual([])
    doc.transact(() => (doc.getMap('customers').get('c-1') as Y.Map<unknown>).set('website', 'https://acme.example'), BRIDGE_ORIGIN)
    expect((await scanBooks(deps)).map((i) => i.crdtId)).toEqual(['c-1'])
  })

  it('a contact change drops its customer from the cache', async () => {
    const { doc, deps } = rig([])
    createCustomer(doc, { name: 'Acme' }, { by: 'alice', id: 'c-1' })
    addContact(doc, 'c-1', { id: 'k-1', firstName: 'Ada' })
    const hashes = bookRecordHashes(doc, deps.map)
    const before = hashes.list().find((r) => r.crdtId === 'k-1')!.hash
    const contacts = (doc.getMap('customers').get('c-1') as Y.Map<unknown>).get('contacts') as Y.Map<Y.Map<unknown>>
    contacts.get('k-1')!.set('firstName', 'Grace')
    expect(hashes.cached).toBe(0)
    expect(hashes.list().find((r) => r.crdtId === 'k-1')!.hash).not.toBe(before)
  })

  it('verifies the first pass, then again after a field map change or a day', async () => {
    const { deps, advance } = rig([])
    expect(await verifyDue(deps)).toBe(true)
    await fullReconcilePass(deps, { metrics: { pulled: { inc: () => {} } } as never, process: async () => {}, verify: true })
    expect(await verifyDue(deps)).toBe(false)
    const other = { ...deps, map: { ...deps.map, company: deps.map.company.map((m) => (m.field === 'industry' ? { ...m, property: 'industry_2' } : m)) } }
    expect(await verifyDue(other)).toBe(true)
    advance(24 * 60 * 60 * 1000)
    expect(await verifyDue(deps)).toBe(true)
  })
})
