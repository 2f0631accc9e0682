// The projection part of the LocalStore contract (run by runLocalStoreContract for every store):
// a full write first, then patches of only the customers that changed, stale marks, the rebuild
// flag when two writers raced, copies in and out, and deleteBook dropping it with the book.
import type { Customer } from '@crm-sync/model'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { LocalStore, ProjectionChange } from './local-store'

const customer = (id: string, name = `Customer ${id}`): Customer => ({
  id, name, tags: ['a'], notes: `notes of ${id}`, contacts: [], deals: [], activities: [], archived: false,
})

/** A state vector with the given clock per client. */
const sv = (clocks: Record<number, number>): Uint8Array =>
  Y.encodeStateVector(new Map(Object.entries(clocks).map(([client, clock]) => [Number(client), clock])))

const change = (c: Partial<ProjectionChange> & { stateVector: Uint8Array }): ProjectionChange => ({
  put: [], remove: [], stale: [], replace: false, ...c,
})

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(4, '0')}`)

export const runProjectionContract = (withStore: (fn: (store: LocalStore) => Promise<void>) => Promise<void>): void => {
  describe('projection', () => {
    const writeProjection = (store: LocalStore, book: string, projection: ProjectionChange) =>
      store.write(book, { updates: [], pending: [], acknowledged: [], projection })

    it('has none until one is written whole; partial changes alone do not make one', () =>
      withStore(async (store) => {
        expect(await store.readProjection('book')).toBeNull()
        await writeProjection(store, 'book', change({ put: [customer('c1')], stale: ['c2'], stateVector: sv({ 1: 1 }) }))
        expect(await store.readProjection('book')).toBeNull()
      }))

    it('gives back a whole projection sorted by id, with its state vector', () =>
      withStore(async (store) => {
        const all = ids(300).map((id) => customer(id)).reverse()
        await writeProjection(store, 'book', change({ put: all, replace: true, stateVector: sv({ 7: 42 }) }))
        const read = await store.readProjection('book')
        expect(read?.customers).toEqual([...all].reverse())
        expect(read?.stateVector).toEqual(sv({ 7: 42 }))
        expect(read?.stale).toEqual([])
        expect(read?.needsRebuild).toBe(false)
      }))

    it('patches only the customers a change puts or removes', () =>
      withStore(async (store) => {
        const all = ids(100).map((id) => customer(id))
        await writeProjection(store, 'book', change({ put: all, replace: true, stateVector: sv({ 1: 10 }) }))
        const renamed = customer('c0005', 'Renamed GmbH')
        const added = customer('c9999')
        await writeProjection(store, 'book', change({ put: [renamed, added], remove: ['c0007', 'unknown'], stateVector: sv({ 1: 12 }) }))
        const read = await store.readProjection('book')
        const expected = [...all.filter((c) => c.id !== 'c0007' && c.id !== 'c0005'), renamed, added].sort((a, b) => (a.id < b.id ? -1 : 1))
        expect(read?.customers).toEqual(expected)
        expect(read?.stateVector).toEqual(sv({ 1: 12 }))
      }))

    it('marks customers stale until a change rewrites or removes them; a whole write clears every mark', () =>
      withStore(async (store) => {
        await writeProjection(store, 'book', change({ put: [customer('a'), customer('b'), customer('c')], replace: true, stateVector: sv({ 1: 1 }) }))
        await store.write('book', {
          updates: [new Uint8Array([0, 0])], pending: [], acknowledged: [],
          projection: change({ stale: ['a', 'b', 'c'], stateVector: sv({ 1: 2 }) }),
        })
        expect([...((await store.readProjection('book'))?.stale ?? [])].sort()).toEqual(['a', 'b', 'c'])
        await writeProjection(store, 'book', change({ put: [customer('a', 'A2')], remove: ['c'], stateVector: sv({ 1: 3 }) }))
        const read = await store.readProjection('book')
        expect(read?.stale).toEqual(['b'])
        expect(read?.customers.map((c) => c.name)).toEqual(['A2', 'Customer b'])
        await writeProjection(store, 'book', change({ stale: ['b'], stateVector: sv({ 1: 4 }) }))
        await writeProjection(store, 'book', change({ put: [customer('b')], replace: true, stateVector: sv({ 1: 4 }) }))
        expect((await store.readProjection('book'))?.stale).toEqual([])
      }))

    it('flags a rebuild when a change comes from a document lacking what an earlier one wrote', () =>
      withStore(async (store) => {
        await writeProjection(store, 'book', change({ put: [customer('a')], replace: true, stateVector: sv({ 1: 5 }) }))
        await writeProjection(store, 'book', change({ stale: ['a'], stateVector: sv({ 1: 5, 2: 3 }) }))
        // Another tab that has not seen client 2's changes yet rewrites 'a': the mark stays.
        await writeProjection(store, 'book', change({ put: [customer('a', 'older')], stateVector: sv({ 1: 6 }) }))
        let read = await store.readProjection('book')
        expect(read?.needsRebuild).toBe(true)
        expect(read?.stale).toEqual(['a'])
        await writeProjection(store, 'book', change({ put: [customer('a', 'current')], stateVector: sv({ 1: 6, 2: 3 }) }))
        expect((await store.readProjection('book'))?.needsRebuild).toBe(true)
        await writeProjection(store, 'book', change({ put: [customer('a', 'current')], replace: true, stateVector: sv({ 1: 6, 2: 3 }) }))
        read = await store.readProjection('book')
        expect(read).toMatchObject({ needsRebuild: false, stale: [] })
      }))

    it('takes stale marks written without reading the projection, and folds them into the next change', () =>
      withStore(async (store) => {
        await writeProjection(store, 'book', change({ put: [customer('a'), customer('b'), customer('c')], replace: true, stateVector: sv({ 1: 4 }) }))
        // Two writers that could not wait to read it (a page being hidden), another client's changes among them.
        await store.write('book', { updates: [new Uint8Array([0, 0])], pending: ['p1'], acknowledged: [], staleMarks: { ids: ['a'], stateVector: sv({ 1: 6 }), needsRebuild: false } })
        await store.write('book', { updates: [], pending: [], acknowledged: [], staleMarks: { ids: ['b', 'a'], stateVector: sv({ 1: 5, 2: 2 }), needsRebuild: false } })
        let read = await store.readProjection('book')
        expect([...(read?.stale ?? [])].sort()).toEqual(['a', 'b'])
        expect(read?.stateVector).toEqual(sv({ 1: 6, 2: 2 }))
        expect(read?.needsRebuild).toBe(false)
        expect(await store.stats('book')).toEqual({ rows: 1, bytes: 2, pending: 1 })

        // A change from a document with all of it rewrites 'a': its mark goes, 'b' stays marked.
        await writeProjection(store, 'book', change({ put: [customer('a', 'A2')], stateVector: sv({ 1: 6, 2: 2 }) }))
        read = await store.readProjection('book')
        expect(read).toMatchObject({ stale: ['b'], needsRebuild: false })
        expect(read?.stateVector).toEqual(sv({ 1: 6, 2: 2 }))
        expect(read?.customers.map((c) => c.name)).toEqual(['A2', 'Customer b', 'Customer c'])

        // One from a document lacking client 2's changes clears nothing and asks for a rebuild.
        await store.write('book', { updates: [], pending: [], acknowledged: [], staleMarks: { ids: ['c'], stateVector: sv({ 1: 6, 2: 3 }), needsRebuild: false } })
        await writeProjection(store, 'book', change({ put: [customer('c', 'C2')], stateVector: sv({ 1: 7 }) }))
        read = await store.readProjection('book')
        expect([...(read?.stale ?? [])].sort()).toEqual(['b', 'c'])
        expect(read?.needsRebuild).toBe(true)

        // A whole write drops every mark.
        await store.write('book', { updates: [], pending: [], acknowledged: [], staleMarks: { ids: ['a'], stateVector: sv({ 1: 8, 2: 3 }), needsRebuild: false } })
        await writeProjection(store, 'book', change({ put: [customer('a')], replace: true, stateVector: sv({ 1: 8, 2: 3 }) }))
        expect(await store.readProjection('book')).toMatchObject({ stale: [], needsRebuild: false, customers: [customer('a')] })
      }))

    it('flags a rebuild when a mark comes from a document that did not trust the projection', () =>
      withStore(async (store) => {
        await writeProjection(store, 'book', change({ put: [customer('a'), customer('b')], replace: true, stateVector: sv({ 1: 1 }) }))
        await store.write('book', { updates: [], pending: [], acknowledged: [], staleMarks: { ids: ['b'], stateVector: sv({ 1: 3 }), needsRebuild: true } })
        expect(await store.readProjection('book')).toMatchObject({ stale: ['b'], needsRebuild: true })
        // Folded into the status, the flag stays until a whole write.
        await writeProjection(store, 'book', change({ put: [customer('b')], stateVector: sv({ 1: 3 }) }))
        expect(await store.readProjection('book')).toMatchObject({ stale: [], needsRebuild: true })
        await writeProjection(store, 'book', change({ put: [customer('a'), customer('b')], replace: true, stateVector: sv({ 1: 3 }) }))
        expect(await store.readProjection('book')).toMatchObject({ needsRebuild: false })
      }))

    it('ignores stale marks while the book has no projection, and they do not make one', () =>
      withStore(async (store) => {
        await store.write('book', { updates: [new Uint8Array([0, 0])], pending: [], acknowledged: [], staleMarks: { ids: ['a'], stateVector: sv({ 1: 1 }), needsRebuild: false } })
        expect(await store.readProjection('book')).toBeNull()
        await writeProjection(store, 'book', change({ put: [customer('a')], stateVector: sv({ 1: 1 }) }))
        expect(await store.readProjection('book')).toBeNull()
        // Marks from before a projection existed say nothing about it.
        await writeProjection(store, 'book', change({ put: [customer('b')], replace: true, stateVector: sv({ 1: 1 }) }))
        expect(await store.readProjection('book')).toMatchObject({ stale: [], customers: [customer('b')] })
      }))

    it('stores copies: changing what was written or read changes nothing stored', () =>
      withStore(async (store) => {
        const a = customer('a')
        const vector = sv({ 1: 1 })
        await writeProjection(store, 'book', change({ put: [a], replace: true, stateVector: vector }))
        a.name = 'mutated after write'
        a.tags.push('x')
        vector[1] = 99
        const first = await store.readProjection('book')
        ;(first!.customers[0] as Customer).name = 'mutated after read'
        const again = await store.readProjection('book')
        expect(again?.customers).toEqual([customer('a')])
        expect(again?.stateVector).toEqual(sv({ 1: 1 }))
      }))

    it('writes a projection change in the same call as updates and markers', () =>
      withStore(async (store) => {
        await store.write('book', {
          updates: [new Uint8Array([0, 0])], pending: ['p1'], acknowledged: [],
          projection: change({ put: [customer('a')], replace: true, stateVector: sv({ 1: 1 }) }),
        })
        expect(await store.stats('book')).toEqual({ rows: 1, bytes: 2, pending: 1 })
        expect((await store.readProjection('book'))?.customers).toEqual([customer('a')])
      }))

    it('keeps the projection through compaction and close, and drops it with its book only', async () => {
      await withStore(async (store) => {
        await writeProjection(store, 'one', change({ put: [customer('a')], replace: true, stateVector: sv({ 1: 1 }) }))
        await writeProjection(store, 'two', change({ put: [customer('b')], replace: true, stateVector: sv({ 1: 1 }) }))
        await store.write('one', { updates: [new Uint8Array([0, 0]), new Uint8Array([0, 0])], pending: [], acknowledged: [] })
        await store.compact('one', (rows) => rows[0]!)
        await store.close()
        expect((await store.readProjection('one'))?.customers).toEqual([customer('a')])
        await store.deleteBook('one')
        expect(await store.readProjection('one')).toBeNull()
        expect((await store.readProjection('two'))?.customers).toEqual([customer('b')])
      })
    })
  })
}
