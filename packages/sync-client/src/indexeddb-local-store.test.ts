// The IndexedDB LocalStore (fake-indexeddb in Node) against the shared contract, plus what only
// IndexedDB can show: one transaction per write, data visible to a second connection, the
// upgrade of a database from before projections, and a damaged projection row.
import 'fake-indexeddb/auto'
import type { Customer } from '@crm-sync/model'
import { IDBDatabase, IDBFactory, IDBTransaction } from 'fake-indexeddb'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { createIndexedDbStore } from './indexeddb-local-store'
import { runLocalStoreContract } from './local-store.contract'
import { bucketOf } from './projection-buckets'
import { isSyncClientError } from './sync-client-error'

runLocalStoreContract('indexeddb', () => createIndexedDbStore({ indexedDB: new IDBFactory() }))

const plainCustomer = (id: string): Customer => ({ id, name: id, tags: [], notes: '', contacts: [], deals: [], activities: [], archived: false })

describe('IndexedDB store', () => {
  it('uses exactly one readwrite transaction per write', async () => {
    const store = createIndexedDbStore({ indexedDB: new IDBFactory() })
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    for (let i = 0; i < 30; i++) doc.getMap('m').set(`k${i}`, i)
    await store.load('book')
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction')
    try {
      await store.write('book', {
        updates, pending: updates.map((_, i) => `p${i}`), acknowledged: [], lastSyncedAt: 1,
        projection: { put: [plainCustomer('a')], remove: [], stale: [], replace: true, stateVector: Y.encodeStateVector(doc) },
      })
      expect(spy.mock.calls.filter((c) => c[1] === 'readwrite')).toHaveLength(1)
    } finally {
      spy.mockRestore()
      await store.close()
    }
  })

  it('commits a batch without a projection change within the call, one with it when its reads are done', async () => {
    // A page being unloaded keeps only committed transactions (BookPersistence.flush relies on it).
    const store = createIndexedDbStore({ indexedDB: new IDBFactory() })
    await store.load('book')
    const commit = vi.spyOn(IDBTransaction.prototype, 'commit')
    try {
      const written = store.write('book', { updates: [new Uint8Array([0, 0])], pending: ['p1'], acknowledged: [], staleMarks: { ids: ['a'], stateVector: new Uint8Array([0]), needsRebuild: false } })
      await Promise.resolve() // the open database, then every request and the commit
      await Promise.resolve()
      expect(commit).toHaveBeenCalledTimes(1)
      await written
      await store.write('book', {
        updates: [], pending: [], acknowledged: [],
        projection: { put: [plainCustomer('a')], remove: [], stale: [], replace: true, stateVector: new Uint8Array([0]) },
      })
      expect(commit).toHaveBeenCalledTimes(1)
      expect(await store.stats('book')).toEqual({ rows: 1, bytes: 2, pending: 1 })
    } finally {
      commit.mockRestore()
      await store.close()
    }
  })

  it('is seen by a second store on the same factory (another tab)', async () => {
    const factory = new IDBFactory()
    const a = createIndexedDbStore({ indexedDB: factory })
    const b = createIndexedDbStore({ indexedDB: factory })
    await a.write('book', { updates: [new Uint8Array([0, 0])], pending: ['p'], acknowledged: [] })
    expect(await b.stats('book')).toEqual({ rows: 1, bytes: 2, pending: 1 })
    await b.deleteBook('book')
    expect((await a.load('book')).updates).toEqual([])
    await Promise.all([a.close(), b.close()])
  })

  it('upgrades a database of version 1 (no projection store) keeping its updates, markers and lastSyncedAt', async () => {
    const factory = new IDBFactory()
    const update = new Uint8Array([0, 0])
    await new Promise<void>((resolve, reject) => {
      const request = factory.open('crm-sync-book:old', 1)
      request.onupgradeneeded = () => {
        const db = request.result
        db.createObjectStore('updates', { autoIncrement: true }).add(update)
        db.createObjectStore('pending').put({ at: 1 }, 'p-old')
        db.createObjectStore('meta').put(99, 'lastSyncedAt')
      }
      request.onsuccess = () => {
        request.result.close()
        resolve()
      }
      request.onerror = () => reject(request.error)
    })
    const store = createIndexedDbStore({ indexedDB: factory })
    expect(await store.load('old')).toEqual({ updates: [update], pending: ['p-old'], lastSyncedAt: 99 })
    expect(await store.readProjection('old')).toBeNull()
    const projection = { put: [plainCustomer('a')], remove: [], stale: [], replace: true, stateVector: new Uint8Array([0]) }
    await store.write('old', { updates: [], pending: [], acknowledged: [], projection })
    expect((await store.readProjection('old'))?.customers).toEqual([plainCustomer('a')])
    await store.close()
  })

  it('treats a damaged projection row as no projection, and drops it when a patch meets it', async () => {
    const factory = new IDBFactory()
    const store = createIndexedDbStore({ indexedDB: factory })
    const stateVector = new Uint8Array([0])
    await store.write('book', { updates: [], pending: [], acknowledged: [], projection: { put: [plainCustomer('a')], remove: [], stale: [], replace: true, stateVector } })
    await store.close()
    await new Promise<void>((resolve, reject) => {
      const request = factory.open('crm-sync-book:book')
      request.onsuccess = () => {
        const db = request.result
        const tx = db.transaction('projection', 'readwrite')
        tx.objectStore('projection').put('{not json', bucketOf('a'))
        tx.oncomplete = () => {
          db.close()
          resolve()
        }
        tx.onerror = () => reject(tx.error)
      }
    })
    expect(await store.readProjection('book')).toBeNull()
    await store.write('book', { updates: [], pending: [], acknowledged: [], projection: { put: [plainCustomer('a')], remove: [], stale: [], replace: false, stateVector } })
    expect(await store.readProjection('book')).toBeNull()
    await store.write('book', { updates: [], pending: [], acknowledged: [], projection: { put: [plainCustomer('b')], remove: [], stale: [], replace: true, stateVector } })
    expect((await store.readProjection('book'))?.customers).toEqual([plainCustomer('b')])
    await store.close()
  })

  it('names a book by its database, the same from every store over the same IndexedDB', () => {
    const factory = new IDBFactory()
    const a = createIndexedDbStore({ indexedDB: factory, databasePrefix: 'p:' })
    const b = createIndexedDbStore({ indexedDB: factory, databasePrefix: 'p:' })
    expect(a.locationOf('book')).toBe(b.locationOf('book'))
    expect(a.locationOf('book')).not.toBe(createIndexedDbStore({ indexedDB: factory }).locationOf('book'))
  })

  it('refuses to start without an IndexedDB', () => {
    try {
      createIndexedDbStore({ indexedDB: {} })
      expect.unreachable()
    } catch (e) {
      expect(isSyncClientError(e, 'no-local-store')).toBe(true)
    }
  })
})
