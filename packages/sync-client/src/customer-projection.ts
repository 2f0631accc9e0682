// The projection as a handle shows it before its document holds the book: the customers as last
// saved on this device, or on a fresh device as the relay listed them, read-only, looked up by id
// on demand.
import type { Customer } from '@crm-sync/model'
import * as Y from 'yjs'
import type { StoredProjection } from './local-store'
import { sameStateVector } from './state-vector'

/** Where a projection comes from: saved on this device, or the relay's list on a fresh device. */
export type ProjectionSource = 'device' | 'server'

export interface CustomerProjection {
  readonly source: ProjectionSource
  /** The Yjs state vector of the document the customers were read from (stale ones aside). */
  readonly stateVector: Uint8Array
  /** Every customer of the book in plain form, archived ones included, sorted by id. */
  readonly customers: readonly Customer[]
  /** A customer by id, or null. */
  get(customerId: string): Customer | null
  /**
   * Customers changed on this device after their entry was saved (the page went away between an
   * edit being stored and the projection being written): shown as they were before that change.
   * Always empty for the relay's list.
   */
  readonly stale: ReadonlySet<string>
  /**
   * Whether the customers, `stale` ones aside, are exactly what `doc` holds now: its state is the
   * one they were read from, and no tab wrote the projection from a document that lacked another
   * tab's changes. A list built from the projection then stays right once the document has loaded.
   */
  matches(doc: Y.Doc): boolean
}

export const customerProjection = (stored: StoredProjection, source: ProjectionSource): CustomerProjection => {
  let byId: Map<string, Customer> | null = null
  return {
    source,
    stateVector: stored.stateVector,
    customers: stored.customers,
    get: (customerId) => (byId ??= new Map(stored.customers.map((c) => [c.id, c]))).get(customerId) ?? null,
    stale: new Set(stored.stale),
    matches: (doc) => !stored.needsRebuild && sameStateVector(stored.stateVector, Y.encodeStateVector(doc)),
  }
}
