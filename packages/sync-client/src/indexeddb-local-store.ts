// The LocalStore of browsers, on `idb`: one database per book with three object stores.
//   updates   autoIncrement key -> Uint8Array (Yjs update; after compaction one snapshot row)
//   pending   pending id -> { at }  (local updates the relay has not acknowledged)
//   meta      'lastSyncedAt' -> number
// Every write is one readwrite transaction and resolves on its `complete` event, which is what
// "saved on this device" means (y-indexeddb resolves nothing: its issue #28).
import { wrap, type DBSchema, type IDBPDatabase } from 'idb'
import type { FoldUpdates, LocalBatch, LocalBookState, LocalStore, LocalStoreStats } from './local-store'
import { SyncClientError } from './sync-client-error'

interface BookDb extends DBSchema {
  updates: { key: number; value: Uint8Array }
  pending: { key: string; value: { at: number } }
  meta: { key: string; value: number }
}

export interface IndexedDbStoreOptions {
  /**
   * An IDBFactory (`indexedDB`). Default: the global one. Typed loosely so that this API has no
   * DOM types; in Node pass `new IDBFactory()` from fake-indexeddb (with 'fake-indexeddb/auto'
   * loaded, because idb checks values against the global IDB classes).
   */
  readonly indexedDB?: unknown
  /** Database name = prefix + book id. Default 'crm-sync-book:'. */
  readonly databasePrefix?: string
}

const DB_VERSION = 1

interface Factory {
  open(name: string, version: number): IDBOpenDBRequest
  deleteDatabase(name: string): IDBOpenDBRequest
}

const isFactory = (f: unknown): f is Factory =>
  typeof f === 'object' && f !== null && typeof (f as Factory).open === 'function' && typeof (f as Factory).deleteDatabase === 'function'

/** The default IDBFactory of this environment, or null (Node without fake-indexeddb). */
export const globalIndexedDb = (): unknown => (globalThis as { indexedDB?: unknown }).indexedDB ?? null

/** Copies views on larger buffers: structured clone would store the whole buffer. */
const compactBytes = (u: Uint8Array): Uint8Array =>
  u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? u : u.slice()

export const createIndexedDbStore = (opts: IndexedDbStoreOptions = {}): LocalStore => {
  const factory = opts.indexedDB ?? globalIndexedDb()
  if (!isFactory(factory)) throw new SyncClientError('no-local-store', 'no IndexedDB here: pass `indexedDB` or use createMemoryStore()')
  const prefix = opts.databasePrefix ?? 'crm-sync-book:'
  const open = new Map<string, Promise<IDBPDatabase<BookDb>>>()

  // idb's openDB always uses the global factory; this is openDB with an explicit one.
  const openDb = (bookId: string): Promise<IDBPDatabase<BookDb>> => {
    let db = open.get(bookId)
    if (db) return db
    const request = factory.open(prefix + bookId, DB_VERSION)
    request.addEventListener('upgradeneeded', () => {
      const raw = request.result
      if (!raw.objectStoreNames.contains('updates')) raw.createObjectStore('updates', { autoIncrement: true })
      if (!raw.objectStoreNames.contains('pending')) raw.createObjectStore('pending')
      if (!raw.objectStoreNames.contains('meta')) raw.createObjectStore('meta')
    })
    db = (wrap(request) as unknown as Promise<IDBPDatabase<BookDb>>).then((d) => {
      // Another tab deleting or upgrading the database: let it, and reopen on next use.
      d.addEventListener('versionchange', () => {
        d.close()
        open.delete(bookId)
      })
      d.addEventListener('close', () => open.delete(bookId))
      return d
    })
    db.catch(() => open.delete(bookId))
    open.set(bookId, db)
    return db
  }

  const failed = (what: string, bookId: string) => (cause: unknown): never => {
    throw new SyncClientError('local-store-failed', `IndexedDB ${what} of book ${bookId} failed`, { cause })
  }

  return {
    async load(bookId): Promise<LocalBookState> {
      try {
        const db = await openDb(bookId)
        const tx = db.transaction(['updates', 'pending', 'meta'], 'readonly')
        const [updates, pending, lastSyncedAt] = await Promise.all([
          tx.objectStore('updates').getAll(),
          tx.objectStore('pending').getAllKeys(),
          tx.objectStore('meta').get('lastSyncedAt'),
          tx.done,
        ])
        return { updates, pending, lastSyncedAt: lastSyncedAt ?? null }
      } catch (e) {
        return failed('load', bookId)(e)
      }
    },

    async write(bookId, batch: LocalBatch) {
      try {
        const db = await openDb(bookId)
        const tx = db.transaction(['updates', 'pending', 'meta'], 'readwrite')
        const updates = tx.objectStore('updates')
        const pending = tx.objectStore('pending')
        const at = Date.now()
        const requests: Promise<unknown>[] = []
        for (const u of batch.updates) {
          requests.push(updates.add(compactBytes(u.update)))
          if (u.pendingId !== undefined) requests.push(pending.put({ at }, u.pendingId))
        }
        for (const id of batch.acknowledged) requests.push(pending.delete(id))
        if (batch.lastSyncedAt !== undefined) requests.push(tx.objectStore('meta').put(batch.lastSyncedAt, 'lastSyncedAt'))
        const rows = updates.count()
        await Promise.all([...requests, tx.done])
        return { rows: await rows }
      } catch (e) {
        return failed('write', bookId)(e)
      }
    },

    async compact(bookId, fold: FoldUpdates) {
      try {
        const db = await openDb(bookId)
        const tx = db.transaction('updates', 'readwrite')
        const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()])
        const before = keys.length
        const last = keys[keys.length - 1]
        if (before <= 1 || last === undefined) {
          await tx.done
          return { before, after: before }
        }
        // Synchronous between the reads and the writes, so the transaction stays active.
        const snapshot = fold(values)
        const writes: Promise<unknown>[] = keys.slice(0, -1).map((k) => tx.store.delete(k))
        writes.push(tx.store.put(compactBytes(snapshot), last))
        await Promise.all([...writes, tx.done])
        return { before, after: 1 }
      } catch (e) {
        return failed('compaction', bookId)(e)
      }
    },

    async stats(bookId): Promise<LocalStoreStats> {
      try {
        const db = await openDb(bookId)
        const tx = db.transaction(['updates', 'pending'], 'readonly')
        const [updates, pending] = await Promise.all([tx.objectStore('updates').getAll(), tx.objectStore('pending').count(), tx.done])
        return { rows: updates.length, bytes: updates.reduce((n, u) => n + u.byteLength, 0), pending }
      } catch (e) {
        return failed('stats', bookId)(e)
      }
    },

    async deleteBook(bookId) {
      const db = open.get(bookId)
      open.delete(bookId)
      if (db) (await db.catch(() => null))?.close()
      await (wrap(factory.deleteDatabase(prefix + bookId)) as unknown as Promise<unknown>)
    },

    async close() {
      const dbs = [...open.values()]
      open.clear()
      for (const db of await Promise.allSettled(dbs)) if (db.status === 'fulfilled') db.value.close()
    },
  }
}
