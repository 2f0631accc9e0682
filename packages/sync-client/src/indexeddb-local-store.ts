// The LocalStore of browsers, on `idb`: one database per book (layout in indexeddb-schema.ts).
// Every write is one readwrite transaction and resolves on its `complete` event, which is what
// "saved on this device" means (y-indexeddb resolves nothing: its issue #28).
import { wrap, type IDBPDatabase } from 'idb'
import { adoptDatabase, openBookDatabase, type Factory } from './indexeddb-adopt'
import { newStaleMarksKey, readProjectionIn, writeProjectionIn } from './indexeddb-projection'
import type { BookDb } from './indexeddb-schema'
import type { FoldUpdates, LocalBatch, LocalBookState, LocalStore, LocalStoreStats, StoredProjection } from './local-store'
import { SyncClientError } from './sync-client-error'
import { defaultLockManager, type LockManagerLike } from './web-lock'

export interface IndexedDbStoreOptions {
  /**
   * An IDBFactory (`indexedDB`). Default: the global one. Typed loosely so that this API has no
   * DOM types; in Node pass `new IDBFactory()` from fake-indexeddb (with 'fake-indexeddb/auto'
   * loaded, because idb checks values against the global IDB classes).
   */
  readonly indexedDB?: unknown
  /** Database name = prefix + book id. Default 'crm-sync-book:'. */
  readonly databasePrefix?: string
  /**
   * An earlier prefix: a book with a database under it and none under `databasePrefix` is moved
   * here on its first use by this store (indexeddb-adopt.ts). Give it only to the store of the user
   * the old databases are taken to belong to. Needs `indexedDB.databases()` (every current
   * browser); without it the old database is left.
   */
  readonly adoptFromPrefix?: string
  /** Web Locks for adopting (tabs take turns). Default: navigator.locks where there is one; null: none. */
  readonly locks?: LockManagerLike | null
}

export const DEFAULT_DATABASE_PREFIX = 'crm-sync-book:'

const isFactory = (f: unknown): f is Factory =>
  typeof f === 'object' && f !== null && typeof (f as Factory).open === 'function' && typeof (f as Factory).deleteDatabase === 'function'

/** The options' IDBFactory, or the global one; throws `no-local-store` where there is none. */
export const indexedDbFactory = (opts: IndexedDbStoreOptions): Factory => {
  const factory = opts.indexedDB ?? globalIndexedDb()
  if (!isFactory(factory)) throw new SyncClientError('no-local-store', 'no IndexedDB here: pass `indexedDB` or use createMemoryStore()')
  return factory
}

/** What an open book database holds (LocalStore.stats), read in one transaction. */
export const readBookStats = async (db: IDBPDatabase<BookDb>): Promise<LocalStoreStats> => {
  const tx = db.transaction(['updates', 'pending'], 'readonly')
  const [updates, pending] = await Promise.all([tx.objectStore('updates').getAll(), tx.objectStore('pending').count(), tx.done])
  return { rows: updates.length, bytes: updates.reduce((n, u) => n + u.byteLength, 0), pending }
}

/** The default IDBFactory of this environment, or null (Node without fake-indexeddb). */
export const globalIndexedDb = (): unknown => (globalThis as { indexedDB?: unknown }).indexedDB ?? null

/** Copies views on larger buffers: structured clone would store the whole buffer. */
const compactBytes = (u: Uint8Array): Uint8Array =>
  u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? u : u.slice()

export const createIndexedDbStore = (opts: IndexedDbStoreOptions = {}): LocalStore => {
  const factory = indexedDbFactory(opts)
  const prefix = opts.databasePrefix ?? DEFAULT_DATABASE_PREFIX
  const open = new Map<string, Promise<IDBPDatabase<BookDb>>>()
  const legacy = opts.adoptFromPrefix
  const locks = opts.locks === undefined ? defaultLockManager() : opts.locks
  /** Books whose earlier database this store has looked for (once per book and store). */
  const adopted = new Map<string, Promise<unknown>>()
  const adoptOnce = (bookId: string): Promise<unknown> => {
    if (legacy === undefined) return Promise.resolve()
    let done = adopted.get(bookId)
    if (!done) {
      done = adoptDatabase(factory, legacy + bookId, prefix + bookId, locks)
      adopted.set(bookId, done)
      done.catch(() => adopted.delete(bookId)) // looked for again on next use
    }
    return done
  }

  // idb's openDB always uses the global factory; this is openDB with an explicit one.
  const openDb = (bookId: string): Promise<IDBPDatabase<BookDb>> => {
    let db = open.get(bookId)
    if (db) return db
    db = adoptOnce(bookId).then(() => openBookDatabase(factory, prefix + bookId)).then((d) => {
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
        return { updates, pending, lastSyncedAt: typeof lastSyncedAt === 'number' ? lastSyncedAt : null }
      } catch (e) {
        return failed('load', bookId)(e)
      }
    },

    async readProjection(bookId): Promise<StoredProjection | null> {
      try {
        const db = await openDb(bookId)
        const tx = db.transaction(['meta', 'projection'], 'readonly')
        const [projection] = await Promise.all([readProjectionIn(tx.objectStore('meta'), tx.objectStore('projection')), tx.done])
        return projection
      } catch (e) {
        return failed('projection read', bookId)(e)
      }
    },

    async write(bookId, batch: LocalBatch) {
      try {
        const db = await openDb(bookId)
        const tx = db.transaction(['updates', 'pending', 'meta', 'projection'], 'readwrite')
        const updates = tx.objectStore('updates')
        const pending = tx.objectStore('pending')
        const meta = tx.objectStore('meta')
        const at = Date.now()
        const requests: Promise<unknown>[] = []
        for (const u of batch.updates) requests.push(updates.add(compactBytes(u)))
        for (const id of batch.pending) requests.push(pending.put({ at }, id))
        for (const id of batch.acknowledged) requests.push(pending.delete(id))
        if (batch.lastSyncedAt !== undefined) requests.push(meta.put(batch.lastSyncedAt, 'lastSyncedAt'))
        if (batch.staleMarks) {
          const { ids, stateVector, needsRebuild } = batch.staleMarks
          requests.push(meta.put({ ids: [...ids], stateVector: stateVector.slice(), needsRebuild }, newStaleMarksKey()))
        }
        if (batch.projection) requests.push(writeProjectionIn(meta, tx.objectStore('projection'), batch.projection))
        const rows = updates.count()
        // Every request is issued: commit now, not when this task ends. A page being unloaded
        // (flush on page hide) does not run that far, and its uncommitted transaction is lost.
        if (!batch.projection) tx.commit()
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
        return await readBookStats(await openDb(bookId))
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

    locationOf: (bookId) => `indexeddb:${prefix}${bookId}`,

    async close() {
      const dbs = [...open.values()]
      open.clear()
      for (const db of await Promise.allSettled(dbs)) if (db.status === 'fulfilled') db.value.close()
    },
  }
}
