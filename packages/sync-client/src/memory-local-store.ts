// A LocalStore in memory: for tests, for Node programs that keep books only for a session (the
// bridge), and as the fallback nobody should need in a browser. Shares IndexedDB's semantics:
// bytes and customers are copied in and out, and every write resolves on a later tick as a
// transaction would.
import type { Customer } from '@crm-sync/model'
import type { FoldUpdates, LocalBatch, LocalBookState, LocalStore, LocalStoreStats, ProjectionChange, StaleMarks, StoredProjection } from './local-store'
import { nextProjectionStatus, withStaleMarks, type ProjectionStatus } from './projection-status'

interface MemoryProjection {
  readonly customers: Map<string, Customer>
  readonly status: ProjectionStatus
}

interface MemoryBook {
  rows: Map<number, Uint8Array>
  nextKey: number
  pending: Map<string, number>
  lastSyncedAt: number | null
  projection: MemoryProjection | null
  /** Written without reading the projection; folded into its status by the next change. */
  staleMarks: StaleMarks[]
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

const compareIds = (a: Customer, b: Customer): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

const changeProjection = (current: MemoryProjection | null, marks: readonly StaleMarks[], change: ProjectionChange): MemoryProjection | null => {
  const status = nextProjectionStatus(withStaleMarks(current?.status ?? null, marks), change)
  if (!status) return null
  const customers = change.replace || !current ? new Map<string, Customer>() : current.customers
  for (const id of change.remove) customers.delete(id)
  for (const c of change.put) customers.set(c.id, structuredClone(c))
  return { customers, status }
}

export const createMemoryStore = (): LocalStore => {
  const books = new Map<string, MemoryBook>()
  const instance = Math.random().toString(36).slice(2)
  const book = (bookId: string): MemoryBook => {
    let b = books.get(bookId)
    if (!b) books.set(bookId, (b = { rows: new Map(), nextKey: 1, pending: new Map(), lastSyncedAt: null, projection: null, staleMarks: [] }))
    return b
  }
  return {
    async load(bookId) {
      await tick()
      const b = book(bookId)
      const state: LocalBookState = {
        updates: [...b.rows.values()].map((u) => u.slice()),
        pending: [...b.pending.keys()],
        lastSyncedAt: b.lastSyncedAt,
      }
      return state
    },
    async readProjection(bookId): Promise<StoredProjection | null> {
      await tick()
      const b = books.get(bookId)
      const status = withStaleMarks(b?.projection?.status ?? null, b?.staleMarks ?? [])
      if (!b?.projection || !status) return null
      return {
        customers: structuredClone([...b.projection.customers.values()].sort(compareIds)),
        stateVector: status.stateVector.slice(),
        stale: [...status.stale],
        needsRebuild: status.needsRebuild,
      }
    },
    async write(bookId, batch: LocalBatch) {
      await tick()
      const b = book(bookId)
      for (const u of batch.updates) b.rows.set(b.nextKey++, u.slice())
      for (const id of batch.pending) b.pending.set(id, Date.now())
      for (const id of batch.acknowledged) b.pending.delete(id)
      if (batch.lastSyncedAt !== undefined) b.lastSyncedAt = batch.lastSyncedAt
      if (batch.staleMarks) b.staleMarks.push({ ...batch.staleMarks, ids: [...batch.staleMarks.ids], stateVector: batch.staleMarks.stateVector.slice() })
      if (batch.projection) {
        b.projection = changeProjection(b.projection, b.staleMarks, batch.projection)
        b.staleMarks = []
      }
      return { rows: b.rows.size }
    },
    async compact(bookId, fold: FoldUpdates) {
      await tick()
      const b = book(bookId)
      const before = b.rows.size
      if (before <= 1) return { before, after: before }
      const keys = [...b.rows.keys()]
      const snapshot = fold([...b.rows.values()])
      const last = keys[keys.length - 1]!
      b.rows = new Map([[last, snapshot.slice()]])
      return { before, after: 1 }
    },
    async stats(bookId): Promise<LocalStoreStats> {
      await tick()
      const b = book(bookId)
      let bytes = 0
      for (const u of b.rows.values()) bytes += u.byteLength
      return { rows: b.rows.size, bytes, pending: b.pending.size }
    },
    async deleteBook(bookId) {
      await tick()
      books.delete(bookId)
    },
    locationOf: (bookId) => `memory:${instance}:${bookId}`,
    async close() {},
  }
}
