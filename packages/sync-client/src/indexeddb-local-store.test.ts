// The IndexedDB LocalStore (fake-indexeddb in Node) against the shared contract, plus what only
// IndexedDB can show: one transaction per write, and data visible to a second connection.
import 'fake-indexeddb/auto'
import { IDBDatabase, IDBFactory } from 'fake-indexeddb'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { createIndexedDbStore } from './indexeddb-local-store'
import { runLocalStoreContract } from './local-store.contract'
import { isSyncClientError } from './sync-client-error'

runLocalStoreContract('indexeddb', () => createIndexedDbStore({ indexedDB: new IDBFactory() }))

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
      await store.write('book', { updates: updates.map((update, i) => ({ update, pendingId: `p${i}` })), acknowledged: [], lastSyncedAt: 1 })
      expect(spy.mock.calls.filter((c) => c[1] === 'readwrite')).toHaveLength(1)
    } finally {
      spy.mockRestore()
      await store.close()
    }
  })

  it('is seen by a second store on the same factory (another tab)', async () => {
    const factory = new IDBFactory()
    const a = createIndexedDbStore({ indexedDB: factory })
    const b = createIndexedDbStore({ indexedDB: factory })
    await a.write('book', { updates: [{ update: new Uint8Array([0, 0]), pendingId: 'p' }], acknowledged: [] })
    expect(await b.stats('book')).toEqual({ rows: 1, bytes: 2, pending: 1 })
    await b.deleteBook('book')
    expect((await a.load('book')).updates).toEqual([])
    await Promise.all([a.close(), b.close()])
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
