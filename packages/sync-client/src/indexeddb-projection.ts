// Reading and changing a book's projection inside an IndexedDB transaction of the store
// (indexeddb-local-store.ts), in the bucket layout of projection-buckets.ts. A change rewrites
// only the buckets of the customers it puts or removes.
import type { Customer } from '@crm-sync/model'
import type { IDBPObjectStore } from 'idb'
import type { BookDb } from './indexeddb-schema'
import type { ProjectionChange, StoredProjection } from './local-store'
import {
  bucketOf, compareIds, groupByBucket, isProjectionMeta, parseBucket, PROJECTION_BUCKETS, serializeBucket, type ProjectionMeta,
} from './projection-buckets'
import { nextProjectionStatus } from './projection-status'

type Stores = ('updates' | 'pending' | 'meta' | 'projection')[]
type Store<Name extends 'meta' | 'projection', Mode extends IDBTransactionMode> = IDBPObjectStore<BookDb, Stores, Name, Mode>

const META_KEY = 'projection'

/** The stored projection, or null when there is none or it is not in this version's layout. */
export const readProjectionIn = async (
  meta: Store<'meta', 'readonly'>,
  buckets: Store<'projection', 'readonly'>,
): Promise<StoredProjection | null> => {
  const [state, rows] = await Promise.all([meta.get(META_KEY), buckets.getAll()])
  if (!isProjectionMeta(state)) return null
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
  const stored = await meta.get(META_KEY)
  const status = nextProjectionStatus(isProjectionMeta(stored) ? stored : null, change)
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
