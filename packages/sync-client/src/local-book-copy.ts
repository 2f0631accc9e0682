// Which books this device holds, and how much of a book the relay never took, without creating a
// book's database when it has none (IndexedDB's open would). For screens that offer to remove a
// book the user lost access to (removeLocalBook).
import { isValidBookId } from '@crm-sync/protocol'
import { openExistingBookDatabase, type Factory } from './indexeddb-adopt'
import { DEFAULT_DATABASE_PREFIX, globalIndexedDb, indexedDbFactory, readBookStats, type IndexedDbStoreOptions } from './indexeddb-local-store'
import type { LocalStoreStats } from './local-store'
import { SyncClientError } from './sync-client-error'

interface ListingFactory {
  databases?: () => Promise<readonly { readonly name?: string }[]>
}

/**
 * The stored book's stats, or null when the device holds nothing of it under the options'
 * prefix. Never adopts (`adoptFromPrefix` is ignored): looking is not opening, and an old database
 * may be someone else's. Never creates the book's database either: one listed by
 * `indexedDB.databases()` that another tab deletes before it is opened is not made again, and
 * where the browser cannot list its databases (missing before Firefox 126) it is opened only if
 * it exists. An existing one that holds nothing counts as none.
 */
export async function findLocalBook(bookId: string, opts: IndexedDbStoreOptions = {}): Promise<LocalStoreStats | null> {
  const factory = indexedDbFactory(opts)
  const name = (opts.databasePrefix ?? DEFAULT_DATABASE_PREFIX) + bookId
  if (typeof factory.databases === 'function') {
    const listed = await factory.databases()
    if (!listed.some((d) => d.name === name)) return null
  }
  const stats = await statsIfStored(factory, name).catch((e: unknown) => {
    throw new SyncClientError('local-store-failed', `IndexedDB stats of book ${bookId} failed`, { cause: e })
  })
  return stats && (stats.rows > 0 || stats.pending > 0) ? stats : null
}

/** Null when there is no such database (one listed may have been deleted by another tab since). */
const statsIfStored = async (factory: Factory, name: string): Promise<LocalStoreStats | null> => {
  const db = await openExistingBookDatabase(factory, name)
  if (!db) return null
  try {
    return await readBookStats(db)
  } finally {
    db.close()
  }
}

/**
 * The ids of the books stored under the options' prefix, sorted; [] where the browser cannot list
 * its databases (`indexedDB.databases`). Names that are not a prefix and an id (a longer prefix's
 * databases: 'crm-sync-book:alice:north' under 'crm-sync-book:', as ':' is no book id's) are left
 * out, as are ids with other characters no book id has. A listed book may hold nothing yet: `findLocalBook` tells.
 */
export async function listLocalBooks(opts: IndexedDbStoreOptions = {}): Promise<string[]> {
  const factory = (opts.indexedDB ?? globalIndexedDb()) as ListingFactory | null
  if (typeof factory?.databases !== 'function') return []
  const prefix = opts.databasePrefix ?? DEFAULT_DATABASE_PREFIX
  const ids = (await factory.databases())
    .map((d) => d.name ?? '')
    .filter((name) => name.startsWith(prefix))
    .map((name) => name.slice(prefix.length))
    .filter(isValidBookId)
  return [...new Set(ids)].sort()
}
