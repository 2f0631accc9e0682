// Which books a device holds for a user: listed from IndexedDB's database names, under the user's
// prefix only, without opening or creating any database.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { createIndexedDbStore } from './indexeddb-local-store'
import { findLocalBook, listLocalBooks } from './local-book-copy'

const ALICE = 'crm-sync-book:alice:'
const BOB = 'crm-sync-book:bob:'

const writeBook = async (factory: IDBFactory, prefix: string | undefined, bookId: string, pending: string[] = []) => {
  const store = createIndexedDbStore({ indexedDB: factory, ...(prefix ? { databasePrefix: prefix } : {}) })
  await store.write(bookId, { updates: [new Uint8Array([0, 0])], pending, acknowledged: [] })
  await store.close()
}
const names = async (factory: IDBFactory) => (await factory.databases()).map((d) => d.name).sort()

describe('listLocalBooks', () => {
  it("lists the user's own books, sorted, and nobody else's nor the shared ones from before", async () => {
    const factory = new IDBFactory()
    await writeBook(factory, ALICE, 'south')
    await writeBook(factory, ALICE, 'north', ['p1'])
    await writeBook(factory, BOB, 'west')
    await writeBook(factory, undefined, 'legacy') // 'crm-sync-book:legacy', one per book for whoever signed in
    const before = await names(factory)

    expect(await listLocalBooks({ indexedDB: factory, databasePrefix: ALICE })).toEqual(['north', 'south'])
    expect(await listLocalBooks({ indexedDB: factory, databasePrefix: BOB })).toEqual(['west'])
    // Under the shared prefix, the per-user databases' names ('alice:north') are not book ids.
    expect(await listLocalBooks({ indexedDB: factory })).toEqual(['legacy'])
    expect(await names(factory)).toEqual(before) // nothing opened into being
    expect(await findLocalBook('north', { indexedDB: factory, databasePrefix: ALICE })).toMatchObject({ pending: 1 })
  })

  it('lists nothing where the browser cannot list its databases', async () => {
    const factory = new IDBFactory()
    await writeBook(factory, ALICE, 'north')
    const withoutListing = Object.assign(Object.create(factory) as IDBFactory, { databases: undefined })
    expect(await listLocalBooks({ indexedDB: withoutListing, databasePrefix: ALICE })).toEqual([])
  })
})

describe('findLocalBook', () => {
  /** The factory with its listing taken just before another tab deletes `deleted`. */
  const listedThenDeleted = (factory: IDBFactory, deleted: string) => ({
    open: factory.open.bind(factory),
    deleteDatabase: factory.deleteDatabase.bind(factory),
    databases: async () => {
      const listed = await factory.databases()
      await new Promise((resolve) => (factory.deleteDatabase(deleted).onsuccess = resolve))
      return listed
    },
  })

  it('makes no empty database again for a book another tab deleted after it was listed', async () => {
    const factory = new IDBFactory()
    await writeBook(factory, ALICE, 'north', ['p1'])
    const racing = listedThenDeleted(factory, `${ALICE}north`)
    expect(await findLocalBook('north', { indexedDB: racing, databasePrefix: ALICE })).toBeNull()
    expect(await names(factory)).toEqual([])
  })

  it('where the browser cannot list its databases, reads a stored book and creates none for a missing one', async () => {
    const factory = new IDBFactory()
    await writeBook(factory, ALICE, 'north', ['p1'])
    const withoutListing = { open: factory.open.bind(factory), deleteDatabase: factory.deleteDatabase.bind(factory) }
    expect(await findLocalBook('north', { indexedDB: withoutListing, databasePrefix: ALICE })).toMatchObject({ rows: 1, pending: 1 })
    expect(await findLocalBook('south', { indexedDB: withoutListing, databasePrefix: ALICE })).toBeNull()
    expect(await names(factory)).toEqual([`${ALICE}north`])
  })
})
