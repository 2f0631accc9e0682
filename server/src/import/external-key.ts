// Idempotence without a lookup table: a row's customer id is derived from the book and the
// row's stable key (RFC 9562 name-based UUIDv5), so importing the same row again finds the
// same customer on any store and any replica. The key is the source system's id when the
// mapping names one, else the row's normalised content. Contacts, deals and activities
// without ids get derived ids the same way, so they are not added twice either.
import { createHash } from 'node:crypto'
import type { ValidCustomer } from '@crm-sync/model'

/** Namespace of all ids this importer derives (a fixed random UUID). */
const IMPORT_NAMESPACE = '6f1c8e52-3b9a-4d0e-9a47-2c5e8b1f0d63'

export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex')
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The id a row with this key gets in this book. */
export function derivedCustomerId(bookId: string, keyNamespace: string, key: string): string {
  return uuidV5(uuidV5(IMPORT_NAMESPACE, `book\u0000${bookId}`), `${keyNamespace}\u0000${key}`)
}

/** A key for rows without one: their content after cleaning and normalisation. */
export function contentKey(customer: ValidCustomer): string {
  return `content\u0000${canonicalJson(customer)}`
}

/** The id of a contact, deal or activity that came without one. */
export function derivedChildId(customerId: string, collection: string, child: object): string {
  return uuidV5(IMPORT_NAMESPACE, `${customerId}\u0000${collection}\u0000${canonicalJson(child)}`)
}

/** JSON with object keys sorted, so equal content always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}
