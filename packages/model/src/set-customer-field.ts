// Writing one scalar field of a customer: the unit of concurrent editing (two people changing
// different fields of one customer both win; the same field resolves identically everywhere).
import type * as Y from 'yjs'
import { getCustomerMap, invalid, isBlank, writeKey } from './customer-map'
import {
  CUSTOMER_SCALAR_FIELDS, CUSTOMER_STATUSES,
  type CustomerScalarField, type CustomerScalarValue,
} from './customer-schema'

/** Checks a scalar value's runtime type, for callers without TypeScript (or with casts). */
export function checkScalar(field: CustomerScalarField, value: unknown): void {
  if (!(CUSTOMER_SCALAR_FIELDS as readonly string[]).includes(field)) throw invalid(`${String(field)} is not a scalar field`)
  if (field === 'name' && (typeof value !== 'string' || value.trim() === '')) throw invalid('a customer needs a name')
  if (isBlank(value)) return
  if (field === 'archived') {
    if (typeof value !== 'boolean') throw invalid('archived must be a boolean')
  } else if (typeof value !== 'string') {
    throw invalid(`${field} must be a string`)
  } else if (field === 'status' && !(CUSTOMER_STATUSES as readonly string[]).includes(value)) {
    throw invalid(`unknown status ${value}`)
  }
}

/** undefined, null or '' deletes the key (a cleared field is absent, not empty). No-op writes are skipped. */
export function setCustomerField<F extends CustomerScalarField>(
  doc: Y.Doc,
  customerId: string,
  field: F,
  value: CustomerScalarValue<F> | null | undefined,
  origin?: unknown,
): void {
  checkScalar(field, value)
  const customer = getCustomerMap(doc, customerId)
  // archived is always present: clearing it means "not archived".
  const stored = field === 'archived' && isBlank(value) ? false : value
  if (customer.get(field) === stored || (isBlank(stored) && !customer.has(field))) return
  doc.transact(() => writeKey(customer, field, stored), origin)
}

export function archiveCustomer(doc: Y.Doc, customerId: string, archived = true, origin?: unknown): void {
  setCustomerField(doc, customerId, 'archived', archived, origin)
}
