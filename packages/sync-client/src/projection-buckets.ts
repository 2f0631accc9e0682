// How the IndexedDB store lays out a book's projection: the customers spread over a fixed number
// of rows ("buckets", by a hash of the customer id), each row one JSON string of an array.
// Measured in headless Chromium with the 10,000-customer bench book (12.9 MB of JSON):
//   one row per customer            read 400–700 ms (IndexedDB's cost per row dominates)
//   one JSON row for the whole book read  80–120 ms, but a change to one customer rewrites 13 MB
//   one structured-clone row        read 100–175 ms (deserialising objects is slower than JSON.parse)
//   32 JSON rows                    read  90–100 ms, a change to one customer rewrites ~400 KB
//                                   (≈2 ms on the main thread, ≈8 ms until the transaction completes)
// So: few, large rows of JSON text, and only the rows of changed customers are rewritten.
import type { Customer } from '@crm-sync/model'
import type { ProjectionStatus } from './projection-status'

export const PROJECTION_BUCKETS = 32

/** FNV-1a over the id's UTF-16 code units: stable across devices and versions. */
export const bucketOf = (customerId: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < customerId.length; i++) {
    h ^= customerId.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % PROJECTION_BUCKETS
}

/** Customers grouped by bucket. */
export const groupByBucket = (customers: readonly Customer[]): Map<number, Customer[]> => {
  const out = new Map<number, Customer[]>()
  for (const c of customers) {
    const b = bucketOf(c.id)
    let list = out.get(b)
    if (!list) out.set(b, (list = []))
    list.push(c)
  }
  return out
}

export const serializeBucket = (customers: Iterable<Customer>): string => JSON.stringify([...customers])

/**
 * A stored bucket's customers, or null when the row is not what this module writes (damaged, or
 * written by another version): the caller then treats the whole projection as absent, so it is
 * rebuilt from the document rather than trusted.
 */
export const parseBucket = (json: unknown): Customer[] | null => {
  if (typeof json !== 'string') return null
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return null
  }
  if (!Array.isArray(value)) return null
  for (const c of value) {
    if (typeof c !== 'object' || c === null || typeof (c as { id?: unknown }).id !== 'string') return null
  }
  return value as Customer[]
}

/** The bookkeeping row of a projection (stored beside the buckets). */
export interface ProjectionMeta extends ProjectionStatus {
  /** PROJECTION_BUCKETS when it was written: another count means another layout. */
  readonly buckets: number
}

export const isProjectionMeta = (v: unknown): v is ProjectionMeta => {
  const m = v as Partial<ProjectionMeta> | null
  return typeof m === 'object' && m !== null && m.stateVector instanceof Uint8Array && Array.isArray(m.stale) &&
    m.stale.every((s) => typeof s === 'string') && typeof m.needsRebuild === 'boolean' && m.buckets === PROJECTION_BUCKETS
}

export const compareIds = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
