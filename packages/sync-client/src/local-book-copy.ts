// Whether this device holds a book's data, and how much of it the relay never took, without
// creating the book's database when it has none (IndexedDB's open would). For a screen that
// offers to remove a book the user lost access to (removeLocalBook).
import { createIndexedDbStore, DEFAULT_DATABASE_PREFIX, globalIndexedDb, type IndexedDbStoreOptions } from './indexeddb-local-store'
import type { LocalStoreStats } from './local-store'

interface ListingFactory {
  databases?: () => Promise<readonly { readonly name?: string }[]>
}

/**
 * The stored book's stats, or null when the device holds nothing of it under the options'
 * prefix. Never adopts (`adoptFromPrefix` is ignored): looking is not opening, and an old database
 * may be someone else's. Where the browser cannot list its databases (`indexedDB.databases`,
 * missing before Firefox 126) the book's database is opened to look, and an empty one counts as none.
 */
export async function findLocalBook(bookId: string, opts: IndexedDbStoreOptions = {}): Promise<LocalStoreStats | null> {
  const factory = (opts.indexedDB ?? globalIndexedDb()) as ListingFactory | null
  const name = (opts.databasePrefix ?? DEFAULT_DATABASE_PREFIX) + bookId
  if (typeof factory?.databases === 'function') {
    const listed = await factory.databases()
    if (!listed.some((d) => d.name === name)) return null
  }
  const { adoptFromPrefix: _never, ...own } = opts
  const store = createIndexedDbStore(own)
  try {
    const stats = await store.stats(bookId)
    return stats.rows === 0 && stats.pending === 0 ? null : stats
  } finally {
    await store.close()
  }
}
