// Reading and changing a book's projection inside an IndexedDB transaction of the store
// (indexeddb-local-store.ts), in the bucket layout of projection-buckets.ts. A change rewrites
// only the buckets of the customers it puts or removes.
import type { Customer } from '@crm-sync/model'
import type { IDBPObjectStore } from 'idb'
import type { BookDb } from './indexeddb-schema'
import type { ProjectionChange, StaleMarks, StoredProjection } from './local-store'
import {
  bucketOf, compareIds, groupByBucket, isProjectionMeta, parseBucket, PROJECTION_BUCKETS, serializeBucket, type ProjectionMeta,
} from './projection-buckets'
import { isStaleMarks, nextProjectionStatus, withStaleMarks, type ProjectionStatus } from './projection-status'

type Stores = ('updates' | 'pending' | 'meta' | 'projection')[]
type Store<Name extends 'meta' | 'projection', Mode extends IDBTransactionMode> = IDBPObjectStore<BookDb, Stores, Name, Mode>

const META_KEY = 'projection'
/** Stale marks written without reading the projection (LocalBatch.staleMarks): one key each. */
const MARKS_PREFIX = 'projection-marks:'
let marksWritten = 0

/** A key no other tab or write uses: this page's time and a random part, then a counter. */
export const newStaleMarksKey = (): string =>
  `${MARKS_PREFIX}${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}-${(marksWritten++).toString(36)}`

// The global IDBKeyRange (fake-indexeddb/auto provides it in Node); read when used, not on import.
const marksRange = (): IDBKeyRange => IDBKeyRange.bound(MARKS_PREFIX, `${MARKS_PREFIX}\uffff`)

const readMarks = async (meta: Store<'meta', IDBTransactionMode>): Promise<{ keys: string[]; marks: StaleMarks[] }> => {
  const [keys, values] = await Promise.all([meta.getAllKeys(marksRange()), meta.getAll(marksRange())])
  return { keys, marks: values.filter(isStaleMarks) }
}

/** The stored status with the stale marks beside it folded in, or null without a projection. */
const storedStatus = (stored: unknown, marks: readonly StaleMarks[]): ProjectionStatus | null =>
  withStaleMarks(isProjectionMeta(stored) ? stored : null, marks)

/** The stored projection, or null when there is none or it is not in this version's layout. */
export const readProjectionIn = async (
  meta: Store<'meta', 'readonly'>,
  buckets: Store<'projection', 'readonly'>,
): Promise<StoredProjection | null> => {
  const [stored, rows, { marks }] = await Promise.all([meta.get(META_KEY), buckets.getAll(), readMarks(meta)])
  const state = storedStatus(stored, marks)
  if (!state) return null
  const customers: Customer[] = []
  for (const row of rows) {
    const parsed = parseBucket(row)
    if (!parsed) return null
    for (const c of parsed) customers.push(c)
  }
  return { customers: customers.sort(compareIds), stateVector: state.stateVector, stale: state.stale, needsRebuild: state.needsRebuild }
}

/** Applies a projection change: ignored without a stored projection unless it replaces it. */
export const writeProjectionIn = async (
  meta: Store<'meta', 'readwrite'>,
  buckets: Store<'projection', 'readwrite'>,
  change: ProjectionChange,
): Promise<void> => {
  const [stored, { keys, marks }] = await Promise.all([meta.get(META_KEY), readMarks(meta)])
  // The marks are folded into the status written below (or describe nothing without a projection).
  await Promise.all(keys.map((k) => meta.delete(k)))
  const status = nextProjectionStatus(storedStatus(stored, marks), change)
  if (!status) return
  if (change.replace) {
    await buckets.clear()
    await Promise.all([...groupByBucket(change.put)].map(([b, cs]) => buckets.put(serializeBucket(cs), b)))
  } else if (!(await patchBuckets(buckets, change.put, change.remove))) {
    return dropProjection(meta, buckets)
  }
  await meta.put({ ...status, buckets: PROJECTION_BUCKETS } satisfies ProjectionMeta, META_KEY)
}

/** Rewrites the buckets touched by `put` and `remove`; false if one of them was unreadable. */
const patchBuckets = async (buckets: Store<'projection', 'readwrite'>, put: readonly Customer[], remove: readonly string[]): Promise<boolean> => {
  const touched = groupByBucket(put)
  for (const id of remove) if (!touched.has(bucketOf(id))) touched.set(bucketOf(id), [])
  const results = await Promise.all(
    [...touched].map(async ([b, changed]) => {
      const row = await buckets.get(b)
      const existing = row === undefined ? [] : parseBucket(row)
      if (!existing) return false
      const byId = new Map(existing.map((c) => [c.id, c]))
      for (const id of remove) byId.delete(id)
      for (const c of changed) byId.set(c.id, c)
      await buckets.put(serializeBucket(byId.values()), b)
      return true
    }),
  )
  return results.every(Boolean)
}

/** A damaged projection is removed, so that the next open rebuilds it instead of trusting it. */
const dropProjection = async (meta: Store<'meta', 'readwrite'>, buckets: Store<'projection', 'readwrite'>): Promise<void> => {
  await Promise.all([meta.delete(META_KEY), buckets.clear()])
}
