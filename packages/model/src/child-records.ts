// Contacts and deals share one shape in the book: a Y.Map of id -> Y.Map with one key per
// field. This file holds that shared machinery; contacts.ts and deals.ts give it typed names.
import * as Y from 'yjs'
import { getCustomerMap, isBlank, isYMap, nested, writeKey } from './customer-map'
import { newId } from './new-id'

export type ChildCollection = 'contacts' | 'deals'

export function childMap(customer: Y.Map<unknown>, collection: ChildCollection): Y.Map<Y.Map<unknown>> {
  return nested(customer, collection, () => new Y.Map<unknown>(), isYMap) as Y.Map<Y.Map<unknown>>
}

/** Inserts a record into `collection`; call inside a transaction. */
export function insertChild(
  customer: Y.Map<unknown>,
  collection: ChildCollection,
  fields: readonly string[],
  record: Readonly<Record<string, unknown>>,
): string {
  const given = record['id']
  const id = typeof given === 'string' && given !== '' ? given : newId()
  const map = childMap(customer, collection).set(id, new Y.Map<unknown>())
  map.set('id', id)
  for (const field of fields) {
    const value = record[field]
    if (!isBlank(value)) map.set(field, value)
  }
  return id
}

export function addChild(
  doc: Y.Doc,
  customerId: string,
  collection: ChildCollection,
  fields: readonly string[],
  record: Readonly<Record<string, unknown>>,
  origin: unknown,
): string {
  const customer = getCustomerMap(doc, customerId)
  let id = ''
  doc.transact(() => { id = insertChild(customer, collection, fields, record) }, origin)
  return id
}

/**
 * Partial update: a field left out (or undefined) stays as it is, null or '' deletes it.
 * Only changed keys are written. Returns false when the record does not exist.
 */
export function updateChild(
  doc: Y.Doc,
  customerId: string,
  collection: ChildCollection,
  childId: string,
  fields: readonly string[],
  partial: Readonly<Record<string, unknown>>,
  origin: unknown,
): boolean {
  const customer = getCustomerMap(doc, customerId)
  const record = childMap(customer, collection).get(childId)
  if (!(record instanceof Y.Map)) return false
  doc.transact(() => {
    for (const field of fields) {
      if (!(field in partial) || partial[field] === undefined) continue
      writeKey(record, field, partial[field])
    }
  }, origin)
  return true
}

/** Returns false when there was nothing to remove (e.g. a replica removed it already). */
export function removeChild(
  doc: Y.Doc,
  customerId: string,
  collection: ChildCollection,
  childId: string,
  origin: unknown,
): boolean {
  const customer = getCustomerMap(doc, customerId)
  const children = childMap(customer, collection)
  if (!children.has(childId)) return false
  doc.transact(() => children.delete(childId), origin)
  return true
}
