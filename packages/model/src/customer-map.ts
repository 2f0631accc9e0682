// Shared low-level helpers for writing into a customer's Y.Map: finding it, and setting a key
// only when its value really changes, so that no-op writes produce no Yjs update at all.
import * as Y from 'yjs'
import { customersMap } from './book'
import { CustomerNotFoundError, ModelError } from './model-error'

export function getCustomerMap(doc: Y.Doc, customerId: string): Y.Map<unknown> {
  const customer = customersMap(doc).get(customerId)
  if (!(customer instanceof Y.Map)) throw new CustomerNotFoundError(customerId)
  return customer
}

/** null, undefined and '' mean "no value": the key is deleted rather than stored empty. */
export function isBlank(value: unknown): value is null | undefined | '' {
  return value === null || value === undefined || value === ''
}

/** Sets or deletes `key`; returns whether anything changed. Call inside a transaction. */
export function writeKey(map: Y.Map<unknown>, key: string, value: unknown): boolean {
  if (isBlank(value)) {
    if (!map.has(key)) return false
    map.delete(key)
    return true
  }
  if (map.get(key) === value) return false
  map.set(key, value)
  return true
}

/**
 * The nested collection under `key`, created when a document written elsewhere lacks it.
 * createCustomer always creates every collection, so the create-on-read race (two replicas
 * each making their own Y.Map and one losing) only concerns foreign documents.
 */
export function nested<T>(
  map: Y.Map<unknown>,
  key: string,
  make: () => T,
  is: (v: unknown) => v is T,
): T {
  const existing = map.get(key)
  if (is(existing)) return existing
  return map.set(key, make())
}

export const isYMap = (v: unknown): v is Y.Map<unknown> => v instanceof Y.Map
export const isYArray = (v: unknown): v is Y.Array<unknown> => v instanceof Y.Array
export const isYText = (v: unknown): v is Y.Text => v instanceof Y.Text

export function invalid(message: string): ModelError {
  return new ModelError('invalid-input', message)
}
