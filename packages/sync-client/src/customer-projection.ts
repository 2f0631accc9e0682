// The projection as a handle shows it before its document has loaded: the customers as last
// saved on this device, read-only, looked up by id on demand.
import type { Customer } from '@crm-sync/model'
import type { StoredProjection } from './local-store'

export interface CustomerProjection {
  /** Every customer of the book in plain form, archived ones included, sorted by id. */
  readonly customers: readonly Customer[]
  /** A customer by id, or null. */
  get(customerId: string): Customer | null
  /**
   * Customers changed on this device after their entry was saved (the page went away between an
   * edit being stored and the projection being written): shown as they were before that change.
   */
  readonly stale: ReadonlySet<string>
}

export const customerProjection = (stored: StoredProjection): CustomerProjection => {
  let byId: Map<string, Customer> | null = null
  return {
    customers: stored.customers,
    get: (customerId) => (byId ??= new Map(stored.customers.map((c) => [c.id, c]))).get(customerId) ?? null,
    stale: new Set(stored.stale),
  }
}
