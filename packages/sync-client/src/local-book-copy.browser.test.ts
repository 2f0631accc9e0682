// findLocalBook in Chromium: looking at a book never creates its database, also when another tab
// deletes it between the listing (`indexedDB.databases()`) and the open, or where the browser
// cannot list its databases. The abort that prevents it is what fake-indexeddb may get wrong.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeBrowser, startBrowserPages, type BrowserPages } from './test-browser-page'

type SyncClient = typeof import('./local-book-copy') & typeof import('./indexeddb-local-store')

const PREFIX = 'crm-sync-book:alice:'
const BOOK = 'north-territory'

const databases = (page: Page): Promise<string[]> =>
  page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? '').sort())

/** Stores one update and one unsaved edit of `bookId`, as an open book would. */
const storeBook = (page: Page, bookId: string) =>
  page.evaluate(async ({ bookId, prefix }) => {
    const { createIndexedDbStore } = (globalThis as unknown as { syncClient: SyncClient }).syncClient
    const store = createIndexedDbStore({ databasePrefix: prefix })
    await store.write(bookId, { updates: [new Uint8Array([0, 0])], pending: ['p1'], acknowledged: [] })
    await store.close()
  }, { bookId, prefix: PREFIX })

describeBrowser('findLocalBook in Chromium', 60_000, () => {
  let pages: BrowserPages

  beforeAll(async () => {
    pages = await startBrowserPages(`
      export { findLocalBook } from './local-book-copy'
      export { createIndexedDbStore } from './indexeddb-local-store'
    `)
  })
  afterAll(async () => {
    await pages?.close()
  })

  it('leaves no empty database behind for a book another tab deleted after it was listed', async () => {
    const context = await pages.newContext()
    try {
      const [tab] = context.pages()
      const otherTab = await context.newPage()
      await otherTab.goto(pages.url)
      await storeBook(tab!, BOOK)
      // The other tab deletes the book (as its removal does) right after this tab listed it.
      await tab!.exposeFunction('anotherTabDeletes', (name: string) =>
        otherTab.evaluate((n) => new Promise<void>((resolve, reject) => {
          const request = indexedDB.deleteDatabase(n)
          request.onsuccess = () => resolve()
          request.onerror = () => reject(request.error)
        }), name))

      const { listed, found } = await tab!.evaluate(async ({ bookId, prefix }) => {
        const { findLocalBook } = (globalThis as unknown as { syncClient: SyncClient }).syncClient
        const deleteElsewhere = (globalThis as unknown as { anotherTabDeletes(name: string): Promise<void> }).anotherTabDeletes
        const listed: string[] = []
        const racing = {
          open: (name: string, version: number) => indexedDB.open(name, version),
          deleteDatabase: (name: string) => indexedDB.deleteDatabase(name),
          databases: async () => {
            const all = await indexedDB.databases()
            listed.push(...all.map((d) => d.name ?? ''))
            await deleteElsewhere(prefix + bookId)
            return all
          },
        }
        return { listed, found: await findLocalBook(bookId, { indexedDB: racing, databasePrefix: prefix }) }
      }, { bookId: BOOK, prefix: PREFIX })

      expect(listed).toContain(PREFIX + BOOK) // it was there when listed
      expect(found).toBeNull()
      expect(await databases(tab!)).toEqual([])
      expect(await databases(otherTab)).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('where the browser cannot list its databases, finds a stored book and creates none for a missing one', async () => {
    const context = await pages.newContext()
    try {
      const [tab] = context.pages()
      await storeBook(tab!, BOOK)
      const found = await tab!.evaluate(async ({ prefix }) => {
        const { findLocalBook } = (globalThis as unknown as { syncClient: SyncClient }).syncClient
        const withoutListing = {
          open: (name: string, version: number) => indexedDB.open(name, version),
          deleteDatabase: (name: string) => indexedDB.deleteDatabase(name),
        }
        return {
          stored: await findLocalBook('north-territory', { indexedDB: withoutListing, databasePrefix: prefix }),
          missing: await findLocalBook('never-stored', { indexedDB: withoutListing, databasePrefix: prefix }),
        }
      }, { prefix: PREFIX })

      expect(found.stored).toMatchObject({ rows: 1, pending: 1 })
      expect(found.missing).toBeNull()
      expect(await databases(tab!)).toEqual([PREFIX + BOOK])
    } finally {
      await context.close()
    }
  })
})
