// Moving a book's database from an earlier name to this store's (IndexedDB has no rename): the
// app once kept one database per book for whoever was signed in, and now keeps one per user and
// book, so one user's unsaved edits are never sent under another's session on a shared device.
// The app lets only the user the old databases are taken to belong to adopt them (client's
// local-books.ts). Every store is copied in one transaction, committed before the old database is
// deleted, so a page closed midway loses nothing: the old one is still there and the next open
// copies again. Tabs adopting at once take turns under a Web Lock named after the old database,
// and each looks again once it holds it.
import { wrap, type IDBPDatabase } from 'idb'
import { DB_VERSION, upgradeBookDb, type BookDb } from './indexeddb-schema'
import type { LockManagerLike } from './web-lock'

export interface Factory {
  open(name: string, version: number): IDBOpenDBRequest
  deleteDatabase(name: string): IDBOpenDBRequest
  databases?: () => Promise<readonly { readonly name?: string }[]>
}

const STORES = ['updates', 'pending', 'meta', 'projection'] as const

/**
 * Opens (creating or upgrading) a book database by name with the given factory; `created` is
 * called when this open made the database.
 */
export const openBookDatabase = (factory: Factory, name: string, created?: () => void): Promise<IDBPDatabase<BookDb>> => {
  const request = factory.open(name, DB_VERSION)
  request.addEventListener('upgradeneeded', (e) => {
    if ((e as IDBVersionChangeEvent).oldVersion === 0) created?.()
    upgradeBookDb(request.result)
  })
  return wrap(request) as unknown as Promise<IDBPDatabase<BookDb>>
}

/**
 * Opens a book database by name only if it exists (upgrading one of an older version), else null.
 * IndexedDB's open creates a missing database; here the creating version change is aborted, which
 * leaves no database behind (Chromium and fake-indexeddb list none afterwards), so looking at a
 * book another tab just deleted does not bring an empty one back.
 */
export const openExistingBookDatabase = async (factory: Factory, name: string): Promise<IDBPDatabase<BookDb> | null> => {
  const request = factory.open(name, DB_VERSION)
  let missing = false
  request.addEventListener('upgradeneeded', (e) => {
    if ((e as IDBVersionChangeEvent).oldVersion !== 0) return upgradeBookDb(request.result)
    missing = true
    request.transaction?.abort()
  })
  try {
    return await (wrap(request) as unknown as Promise<IDBPDatabase<BookDb>>)
  } catch (e) {
    if (missing) return null // the AbortError of our own abort
    throw e
  }
}

/** The database names the factory holds, or null where it cannot list them (`databases()` missing). */
export const databaseNames = async (factory: Factory): Promise<ReadonlySet<string> | null> => {
  if (typeof factory.databases !== 'function') return null
  return new Set((await factory.databases()).flatMap((d) => (d.name === undefined ? [] : [d.name])))
}

/**
 * Copies the database `from` into `to` when `from` exists and `to` does not, then deletes `from`.
 * Resolves to whether it adopted. Where databases cannot be listed nothing is adopted.
 */
export async function adoptDatabase(factory: Factory, from: string, to: string, locks: LockManagerLike | null = null): Promise<boolean> {
  if (!locks) return adoptNow(factory, from, to)
  return locks.request(`crm-sync:adopt:${from}`, { mode: 'exclusive' }, () => adoptNow(factory, from, to))
}

async function adoptNow(factory: Factory, from: string, to: string): Promise<boolean> {
  const names = await databaseNames(factory)
  if (!names || !names.has(from) || names.has(to)) return false
  const source = await openBookDatabase(factory, from)
  let rows: Array<{ store: (typeof STORES)[number]; keys: IDBValidKey[]; values: unknown[] }>
  try {
    const tx = source.transaction(STORES, 'readonly')
    rows = await Promise.all(STORES.map(async (store) => {
      const [keys, values] = await Promise.all([tx.objectStore(store).getAllKeys(), tx.objectStore(store).getAll()])
      return { store, keys: keys as IDBValidKey[], values }
    }))
    await tx.done
  } finally {
    source.close()
  }
  let created = false
  const target = await openBookDatabase(factory, to, () => (created = true))
  try {
    const tx = target.transaction(STORES, 'readwrite')
    const puts: Promise<unknown>[] = []
    for (const { store, keys, values } of rows) {
      const os = tx.objectStore(store) as unknown as { put(value: unknown, key: IDBValidKey): Promise<unknown> }
      keys.forEach((key, i) => puts.push(os.put(values[i], key)))
    }
    await Promise.all([...puts, tx.done])
  } catch (e) {
    // A half-made new database would hide the old one from the next try: remove it, keep the old.
    // Only one this call made: a database someone else made meanwhile is theirs, in use.
    target.close()
    if (created) await wrap(factory.deleteDatabase(to)).catch(() => {})
    throw e
  }
  target.close()
  await wrap(factory.deleteDatabase(from))
  return true
}
