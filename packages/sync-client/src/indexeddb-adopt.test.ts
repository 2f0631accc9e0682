// A book's database under an earlier name (one per book for whoever was signed in) moves into a
// store with a per-user prefix on the store's first use of the book: everything is carried over
// (updates, edits the relay never took, lastSyncedAt, the projection), the old database goes only
// once the copy committed, a second store finds nothing more to adopt, and a user who already has
// the book keeps their own.
import 'fake-indexeddb/auto'
import type { Customer } from '@crm-sync/model'
import { IDBDatabase, IDBFactory } from 'fake-indexeddb'
import { describe, expect, it, vi } from 'vitest'
import { findLocalBook } from './local-book-copy'
import { createIndexedDbStore } from './indexeddb-local-store'
import { adoptDatabase, type Factory } from './indexeddb-adopt'
import { testLockManager } from './test-locks'

const customer = (id: string): Customer => ({ id, name: id, tags: [], notes: '', contacts: [], deals: [], activities: [], archived: false })
const OLD = 'crm-sync-book:'
const ALICE = 'crm-sync-book:alice:'
const original = IDBDatabase.prototype.transaction

/** Runs `fn` while every readwrite transaction on the database `name` fails (a full disk). */
const whileWritesFail = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  const spy = vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
    if (this.name === name && args[1] === 'readwrite') throw new DOMException('disk full', 'QuotaExceededError')
    return original.apply(this, args)
  })
  try {
    return await fn()
  } finally {
    spy.mockRestore()
  }
}
const names = async (factory: IDBFactory) => (await factory.databases()).map((d) => d.name).sort()

/** A book written the old way: one database per book. */
const writeOldBook = async (factory: IDBFactory) => {
  const old = createIndexedDbStore({ indexedDB: factory })
  const stateVector = new Uint8Array([0])
  await old.write('book', {
    updates: [new Uint8Array([0, 0]), new Uint8Array([0, 1])], pending: ['p1'], acknowledged: [], lastSyncedAt: 42,
    projection: { put: [customer('a')], remove: [], stale: [], replace: true, stateVector },
  })
  await old.close()
}

describe('adopting a database from an earlier prefix', () => {
  it('moves everything into the new store on first use and deletes the old database after', async () => {
    const factory = new IDBFactory()
    await writeOldBook(factory)
    const store = createIndexedDbStore({ indexedDB: factory, databasePrefix: ALICE, adoptFromPrefix: OLD })
    expect(await store.load('book')).toEqual({ updates: [new Uint8Array([0, 0]), new Uint8Array([0, 1])], pending: ['p1'], lastSyncedAt: 42 })
    expect((await store.readProjection('book'))?.customers).toEqual([customer('a')])
    expect(await names(factory)).toEqual(['crm-sync-book:alice:book'])
    await store.write('book', { updates: [new Uint8Array([0, 2])], pending: [], acknowledged: ['p1'] })
    await store.close()

    // Another store (a tab opened later) finds the adopted book and nothing more to adopt.
    const later = createIndexedDbStore({ indexedDB: factory, databasePrefix: ALICE, adoptFromPrefix: OLD })
    expect(await later.stats('book')).toEqual({ rows: 3, bytes: 6, pending: 0 })
    await later.close()
  })

  it("leaves a user's own book alone, and the old one to whoever has none", async () => {
    const factory = new IDBFactory()
    const alice = createIndexedDbStore({ indexedDB: factory, databasePrefix: ALICE, adoptFromPrefix: OLD })
    await alice.write('book', { updates: [new Uint8Array([0, 0])], pending: [], acknowledged: [] })
    await writeOldBook(factory)
    expect(await alice.stats('book')).toMatchObject({ rows: 1, pending: 0 })
    const bob = createIndexedDbStore({ indexedDB: factory, databasePrefix: 'crm-sync-book:bob:', adoptFromPrefix: OLD })
    expect(await bob.stats('book')).toMatchObject({ rows: 2, pending: 1 })
    expect(await names(factory)).toEqual(['crm-sync-book:alice:book', 'crm-sync-book:bob:book'])
    await Promise.all([alice.close(), bob.close()])
  })

  it('keeps the old database when the copy fails, and adopts it on the next try', async () => {
    const factory = new IDBFactory()
    await writeOldBook(factory)
    let failOpen = true
    const failing: Factory = {
      open: (name, version) => {
        if (failOpen && name === `${ALICE}book`) throw new Error('quota exceeded')
        return factory.open(name, version)
      },
      deleteDatabase: (name) => factory.deleteDatabase(name),
      databases: () => factory.databases(),
    }
    await expect(adoptDatabase(failing, `${OLD}book`, `${ALICE}book`)).rejects.toThrow('quota exceeded')
    expect(await names(factory)).toEqual(['crm-sync-book:book'])
    failOpen = false
    // The copy's transaction fails once the new database exists: it is removed again, the old kept.
    await expect(whileWritesFail(`${ALICE}book`, () => adoptDatabase(failing, `${OLD}book`, `${ALICE}book`))).rejects.toThrow('disk full')
    expect(await names(factory)).toEqual(['crm-sync-book:book'])
    expect(await adoptDatabase(failing, `${OLD}book`, `${ALICE}book`)).toBe(true)
    expect(await names(factory)).toEqual(['crm-sync-book:alice:book'])
  })

  it("never deletes a new database it did not make when its copy fails (another tab's, made meanwhile)", async () => {
    const factory = new IDBFactory()
    await writeOldBook(factory)
    const alice = createIndexedDbStore({ indexedDB: factory, databasePrefix: ALICE })
    await alice.write('book', { updates: [new Uint8Array([0, 9])], pending: ['mine'], acknowledged: [] })
    await alice.close()
    // It listed the databases before the other tab made Alice's: it sees only the old one.
    const stale: Factory = {
      open: (name, version) => factory.open(name, version),
      deleteDatabase: (name) => factory.deleteDatabase(name),
      databases: async () => [{ name: `${OLD}book` }],
    }
    await expect(whileWritesFail(`${ALICE}book`, () => adoptDatabase(stale, `${OLD}book`, `${ALICE}book`))).rejects.toThrow('disk full')
    const again = createIndexedDbStore({ indexedDB: factory, databasePrefix: ALICE })
    expect(await again.load('book')).toMatchObject({ pending: ['mine'] })
    await again.close()
  })

  it('tabs adopting at once take turns under a lock: one copies, the other finds it done', async () => {
    const factory = new IDBFactory()
    await writeOldBook(factory)
    const locks = testLockManager()
    const stores = [0, 1].map(() => createIndexedDbStore({ indexedDB: factory, databasePrefix: ALICE, adoptFromPrefix: OLD, locks }))
    const loaded = await Promise.all(stores.map((st) => st.load('book')))
    for (const state of loaded) expect(state).toMatchObject({ pending: ['p1'], lastSyncedAt: 42 })
    expect(await names(factory)).toEqual(['crm-sync-book:alice:book'])
    await Promise.all(stores.map((st) => st.close()))
  })

  it('findLocalBook never adopts nor counts an old database, and deleteBook leaves it', async () => {
    const factory = new IDBFactory()
    await writeOldBook(factory)
    const opts = { indexedDB: factory, databasePrefix: ALICE, adoptFromPrefix: OLD }
    expect(await findLocalBook('book', opts)).toBeNull() // it may be another user's
    expect(await names(factory)).toEqual(['crm-sync-book:book'])
    const store = createIndexedDbStore(opts)
    await store.stats('book') // opening adopts
    await writeOldBook(factory) // an old tab wrote the old database again after the adoption
    expect(await findLocalBook('book', opts)).toMatchObject({ rows: 2, pending: 1 })
    await store.deleteBook('book')
    expect(await names(factory)).toEqual(['crm-sync-book:book'])
    await store.close()
  })
})
