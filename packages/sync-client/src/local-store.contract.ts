// The shared test suite every LocalStore runs (IndexedDB and memory): same calls, same answers.
// Import it from '@crm-sync/sync-client/local-store-contract' in a test file, never from app code.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { LocalStore } from './local-store'
import { runProjectionContract } from './local-store-projection.contract'

const updateSetting = (key: string, value: string): Uint8Array => {
  const doc = new Y.Doc()
  doc.getMap('m').set(key, value)
  return Y.encodeStateAsUpdate(doc)
}

const foldWithYjs = (updates: readonly Uint8Array[]): Uint8Array => {
  const doc = new Y.Doc()
  doc.transact(() => {
    for (const u of updates) Y.applyUpdate(doc, u)
  })
  return Y.encodeStateAsUpdate(doc)
}

const mapOf = (updates: readonly Uint8Array[]): Record<string, unknown> => {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc.getMap('m').toJSON()
}

export const runLocalStoreContract = (name: string, makeStore: () => LocalStore | Promise<LocalStore>): void => {
  describe(`LocalStore contract: ${name}`, () => {
    const withStore = async (fn: (store: LocalStore) => Promise<void>) => {
      const store = await makeStore()
      try {
        await fn(store)
      } finally {
        await store.close()
      }
    }

    it('loads an unknown book as empty', () =>
      withStore(async (store) => {
        expect(await store.load('nothing-here')).toEqual({ updates: [], pending: [], lastSyncedAt: null })
        expect(await store.stats('nothing-here')).toEqual({ rows: 0, bytes: 0, pending: 0 })
      }))

    it('gives back what was written, in order, with the pending ids', () =>
      withStore(async (store) => {
        const a = updateSetting('a', '1')
        const b = updateSetting('b', '2')
        expect(await store.write('book', { updates: [a], pending: ['p1'], acknowledged: [] })).toEqual({ rows: 1 })
        expect(await store.write('book', { updates: [b], pending: [], acknowledged: [] })).toEqual({ rows: 2 })
        const loaded = await store.load('book')
        expect(loaded.updates).toEqual([a, b])
        expect(loaded.pending).toEqual(['p1'])
        expect(await store.stats('book')).toEqual({ rows: 2, bytes: a.byteLength + b.byteLength, pending: 1 })
      }))

    it('stores a copy of a view, not the buffer behind it', () =>
      withStore(async (store) => {
        const big = new Uint8Array(1000).fill(7)
        const view = big.subarray(10, 20)
        await store.write('book', { updates: [view], pending: [], acknowledged: [] })
        big.fill(1)
        const [stored] = (await store.load('book')).updates
        expect(stored).toEqual(new Uint8Array(10).fill(7))
        expect((await store.stats('book')).bytes).toBe(10)
      }))

    it('removes acknowledged markers, ignores unknown ids, and keeps lastSyncedAt', () =>
      withStore(async (store) => {
        await store.write('book', {
          updates: [updateSetting('a', '1'), updateSetting('b', '2')],
          pending: ['p1', 'p2'],
          acknowledged: [],
        })
        await store.write('book', { updates: [], pending: [], acknowledged: ['p1', 'unknown'], lastSyncedAt: 1234 })
        const loaded = await store.load('book')
        expect(loaded.pending).toEqual(['p2'])
        expect(loaded.lastSyncedAt).toBe(1234)
        expect(loaded.updates).toHaveLength(2)
      }))

    it('writes markers and acknowledgements of one batch together', () =>
      withStore(async (store) => {
        await store.write('book', { updates: [updateSetting('a', '1')], pending: ['p1'], acknowledged: ['p1'] })
        expect((await store.load('book')).pending).toEqual([])
      }))

    it('compacts every row into one snapshot that keeps the state and the pending markers', () =>
      withStore(async (store) => {
        for (let i = 0; i < 10; i++) {
          await store.write('book', { updates: [updateSetting(`k${i}`, `v${i}`)], pending: [`p${i}`], acknowledged: [] })
        }
        const before = mapOf((await store.load('book')).updates)
        expect(await store.compact('book', foldWithYjs)).toEqual({ before: 10, after: 1 })
        const loaded = await store.load('book')
        expect(loaded.updates).toHaveLength(1)
        expect(mapOf(loaded.updates)).toEqual(before)
        expect(loaded.pending).toHaveLength(10)
        // Writes after a compaction come after the snapshot.
        await store.write('book', { updates: [updateSetting('after', 'x')], pending: [], acknowledged: [] })
        expect(mapOf((await store.load('book')).updates)).toEqual({ ...before, after: 'x' })
        expect(await store.compact('book', foldWithYjs)).toEqual({ before: 2, after: 1 })
        expect(await store.compact('book', foldWithYjs)).toEqual({ before: 1, after: 1 })
      }))

    it('keeps books apart and deletes one without touching the other', () =>
      withStore(async (store) => {
        await store.write('one', { updates: [updateSetting('a', '1')], pending: ['x'], acknowledged: [] })
        await store.write('two', { updates: [updateSetting('b', '2')], pending: [], acknowledged: [] })
        expect(mapOf((await store.load('one')).updates)).toEqual({ a: '1' })
        expect(mapOf((await store.load('two')).updates)).toEqual({ b: '2' })
        await store.deleteBook('one')
        expect(await store.load('one')).toEqual({ updates: [], pending: [], lastSyncedAt: null })
        expect((await store.load('two')).updates).toHaveLength(1)
      }))

    it('names where each book is kept: the same every time, another for another book', () =>
      withStore(async (store) => {
        expect(store.locationOf('one')).toBe(store.locationOf('one'))
        expect(store.locationOf('one')).not.toBe(store.locationOf('two'))
        expect(store.locationOf('one')).toContain('one')
      }))

    it('serves concurrent writes without losing any', () =>
      withStore(async (store) => {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.write('book', { updates: [updateSetting(`k${i}`, 'v')], pending: [], acknowledged: [] })),
        )
        expect(Object.keys(mapOf((await store.load('book')).updates))).toHaveLength(20)
      }))

    runProjectionContract(withStore)

    it('is usable again after close', async () => {
      const store = await makeStore()
      await store.write('book', { updates: [updateSetting('a', '1')], pending: [], acknowledged: [] })
      await store.close()
      expect(mapOf((await store.load('book')).updates)).toEqual({ a: '1' })
      await store.close()
    })
  })
}
