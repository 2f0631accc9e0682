// The shared test suite of BridgeStateStore implementations (memory, SQLite, PostgreSQL).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BridgeStateStore, ConflictEntry, RecordState } from './bridge-state-store'

export interface StateStoreFixture {
  store: BridgeStateStore
  /** Closes and opens the same storage again (to prove persistence); absent for memory. */
  reopen?(): Promise<BridgeStateStore>
  dispose(): Promise<void>
}

const record = (over: Partial<RecordState> = {}): RecordState => ({
  kind: 'company', crdtId: 'c1', bookId: 'b1', parentId: null, crmId: '1001',
  base: { name: { book: 'Acme', crm: 'Acme' } }, crmModifiedAt: 1_700_000_000_000, crmHash: 'h1', bookHash: 'h2',
  archived: false, parentCrmId: null, updatedAt: 1, ...over,
})

const conflict = (over: Partial<ConflictEntry> = {}): ConflictEntry => ({
  bookId: 'b1', kind: 'company', crdtId: 'c1', field: 'name', property: 'name', base: 'A', bookValue: 'B', crmValue: 'C',
  bookBy: 'alice', bookAt: 1, crmBy: 'crm', crmAt: 2, policy: 'later-wins', winner: 'crm', result: 'C', at: 3, ...over,
})

export function runBridgeStateStoreContract(name: string, make: () => Promise<StateStoreFixture>): void {
  describe(`BridgeStateStore contract: ${name}`, () => {
    let f: StateStoreFixture
    let s: BridgeStateStore
    beforeEach(async () => {
      f = await make()
      s = f.store
    })
    afterEach(async () => {
      await f.dispose()
    })

    it('stores records and finds them by book id and by CRM id', async () => {
      await s.putRecords([record(), record({ crdtId: 'c2', crmId: null, base: null }), record({ kind: 'contact', crdtId: 'k1', parentId: 'c1', crmId: '2001' })])
      const got = await s.getRecords('company', ['c1', 'c2', 'zz'])
      expect([...got.keys()].sort()).toEqual(['c1', 'c2'])
      expect(got.get('c1')).toEqual(record())
      expect(got.get('c2')?.base).toBeNull()
      const byCrm = await s.getRecordsByCrmId('contact', ['2001', '1001'])
      expect([...byCrm.keys()]).toEqual(['2001'])
      expect(byCrm.get('2001')?.parentId).toBe('c1')
      const summaries = await s.listSummaries({ kind: 'company' })
      expect(summaries).toHaveLength(2)
      const { base: _base, ...rest } = record()
      expect(summaries.find((x) => x.crdtId === 'c1')).toEqual({ ...rest, agreed: true })
      expect(summaries.find((x) => x.crdtId === 'c2')?.agreed).toBe(false)
      expect(await s.listSummaries({ bookId: 'nope' })).toHaveLength(0)
    })

    it('replaces a record; a CRM id moved to another record leaves the old one unlinked', async () => {
      await s.putRecords([record()])
      await s.putRecords([record({ base: { name: { book: 'B', crm: 'B' } }, crmHash: 'h9' })])
      expect((await s.getRecords('company', ['c1'])).get('c1')?.crmHash).toBe('h9')
      await s.putRecords([record({ crdtId: 'c3', crmId: '1001' })])
      const byCrm = await s.getRecordsByCrmId('company', ['1001'])
      expect(byCrm.get('1001')?.crdtId).toBe('c3')
      expect((await s.getRecords('company', ['c1'])).get('c1')?.crmId).toBeNull()
    })

    it('keeps cursors', async () => {
      expect(await s.getCursor('pull:companies')).toBeNull()
      await s.setCursor('pull:companies', '{"since":5}')
      await s.setCursor('pull:companies', '{"since":6}')
      expect(await s.getCursor('pull:companies')).toBe('{"since":6}')
    })

    it('keeps an outbox, soonest due first, replaced by key', async () => {
      const e = { kind: 'company' as const, crdtId: 'c1', bookId: 'b1', enqueuedAt: 10, attempts: 0, nextAttemptAt: 10, lastError: null }
      await s.putOutbox([e, { ...e, crdtId: 'c0', enqueuedAt: 5, nextAttemptAt: 5 }])
      await s.putOutbox([{ ...e, attempts: 2, lastError: '429', nextAttemptAt: 50 }])
      const list = await s.listOutbox(10)
      expect(list.map((x) => x.crdtId)).toEqual(['c0', 'c1'])
      expect(list[1]).toMatchObject({ attempts: 2, lastError: '429' })
      expect((await s.listOutbox(10, 20)).map((x) => x.crdtId)).toEqual(['c0'])
      expect(await s.countOutbox()).toBe(2)
      await s.deleteOutbox([{ kind: 'company', crdtId: 'c0' }])
      expect((await s.listOutbox(10)).map((x) => x.crdtId)).toEqual(['c1'])
    })

    it('keeps dead letters, conflicts (newest first, per book) and the attention list', async () => {
      await s.addDeadLetter({ kind: 'company', crdtId: 'c1', bookId: 'b1', code: 'rejected', message: 'bad', payload: { a: 1 }, at: 1 })
      expect((await s.listDeadLetters(5))[0]).toMatchObject({ code: 'rejected', payload: { a: 1 } })
      await s.addConflicts([conflict(), conflict({ field: 'phone', at: 4 }), conflict({ bookId: 'b2' })])
      const list = await s.listConflicts('b1', { limit: 10 })
      expect(list.map((c) => c.field)).toEqual(['phone', 'name'])
      expect(list[1]).toMatchObject(conflict())
      expect(await s.listConflicts('b1', { limit: 1, offset: 1 })).toHaveLength(1)
      await s.setAttention({ bookId: 'b1', kind: 'company', crdtId: 'c1', issues: [{ field: 'email', value: 'x@', reason: 'not an email' }], at: 5 })
      expect(await s.listAttention('b1')).toMatchObject([{ crdtId: 'c1', issues: [{ field: 'email' }] }])
      await s.clearAttention('company', ['c1'])
      expect(await s.listAttention('b1')).toEqual([])
      expect(await s.counts()).toEqual({ records: 0, outbox: 0, deadLetters: 1, conflicts: 3, attention: 0 })
    })

    it('refuses a delivery key seen within the horizon, forgets older ones', async () => {
      expect(await s.rememberDelivery('sig-1', 1000, 300_000)).toBe(true)
      expect(await s.rememberDelivery('sig-1', 2000, 300_000)).toBe(false)
      expect(await s.rememberDelivery('sig-1', 1000 + 300_001 + 1, 300_000)).toBe(true)
    })

    it('survives a reopen', async () => {
      if (!f.reopen) return
      await s.putRecords([record()])
      await s.setCursor('x', 'y')
      s = await f.reopen()
      expect((await s.getRecords('company', ['c1'])).get('c1')).toEqual(record())
      expect(await s.getCursor('x')).toBe('y')
    })
  })
}
