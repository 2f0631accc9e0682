// Reading customers out of a book into their plain JSON form. Tolerant by design: a book may
// have been written by any Yjs program, so values of the wrong type are skipped, not trusted.
import * as Y from 'yjs'
import { customersMap, readBookMeta } from './book'
import {
  ACTIVITY_KINDS, ADDRESS_FIELDS, CONTACT_FIELDS, CUSTOMER_STATUSES, DEAL_FIELDS,
  type Activity, type Address, type Contact, type Customer, type CustomerStatus, type Deal,
} from './customer-schema'
import { readTags } from './tags'

const STRING_SCALARS = ['email', 'phone', 'website', 'industry', 'ownerId', 'createdAt', 'createdBy'] as const

export function readCustomer(doc: Y.Doc, customerId: string): Customer | null {
  const customer = customersMap(doc).get(customerId)
  return customer instanceof Y.Map ? toCustomer(customerId, customer) : null
}

/** Sorted by id, which for UUIDv7 ids is creation order. Archived customers are left out unless asked for. */
export function readCustomers(doc: Y.Doc, opts: { includeArchived?: boolean } = {}): Customer[] {
  const out: Customer[] = []
  for (const [id, customer] of customersMap(doc).entries()) {
    if (!(customer instanceof Y.Map)) continue
    if (!opts.includeArchived && customer.get('archived') === true) continue
    out.push(toCustomer(id, customer))
  }
  return out.sort((a, b) => compareIds(a.id, b.id))
}

/** The whole book, archived customers included. */
export function readBook(doc: Y.Doc): { name: string; schemaVersion: number; customers: Customer[] } {
  return { ...readBookMeta(doc), customers: readCustomers(doc, { includeArchived: true }) }
}

export function toCustomer(id: string, map: Y.Map<unknown>): Customer {
  const name = map.get('name')
  const customer: Customer = {
    id,
    name: typeof name === 'string' ? name : '',
    tags: [],
    notes: '',
    contacts: [],
    deals: [],
    activities: [],
    archived: map.get('archived') === true,
  }
  const status = map.get('status')
  if (isOneOf(CUSTOMER_STATUSES, status)) customer.status = status
  for (const field of STRING_SCALARS) {
    const value = map.get(field)
    if (typeof value === 'string' && value !== '') customer[field] = value
  }
  const address = map.get('address')
  if (address instanceof Y.Map) {
    const plain = pickStrings<Address>(address, ADDRESS_FIELDS)
    if (Object.keys(plain).length > 0) customer.address = plain
  }
  const tags = map.get('tags')
  if (tags instanceof Y.Array) customer.tags = readTags(tags)
  const notes = map.get('notes')
  if (notes instanceof Y.Text) customer.notes = notes.toString()
  customer.contacts = readChildren(map.get('contacts'), (cid, m) => ({ ...pickStrings<Contact>(m, CONTACT_FIELDS), id: cid }))
  customer.deals = readChildren(map.get('deals'), readDeal)
  const activities = map.get('activities')
  if (activities instanceof Y.Array) {
    customer.activities = activities.toArray().flatMap((a) => (a instanceof Y.Map ? readActivity(a) : []))
  }
  return customer
}

function readDeal(id: string, map: Y.Map<unknown>): Deal {
  const strings = pickStrings<Partial<Deal>>(map, DEAL_FIELDS.filter((f) => f !== 'amount'))
  const deal: Deal = { ...strings, name: strings.name ?? '', id }
  const amount = map.get('amount')
  if (typeof amount === 'number' && Number.isFinite(amount)) deal.amount = amount
  return deal
}

function readActivity(map: Y.Map<unknown>): Activity[] {
  const { id, kind, at, by, text } = Object.fromEntries(map.entries()) as Record<string, unknown>
  if (typeof id !== 'string' || !isOneOf(ACTIVITY_KINDS, kind) || typeof at !== 'string') return []
  return [{ id, kind, at, by: typeof by === 'string' ? by : '', text: typeof text === 'string' ? text : '' }]
}

function readChildren<T extends { id: string }>(value: unknown, read: (id: string, map: Y.Map<unknown>) => T): T[] {
  if (!(value instanceof Y.Map)) return []
  const out: T[] = []
  for (const [id, child] of value.entries()) {
    if (child instanceof Y.Map) out.push(read(id, child))
  }
  return out.sort((a, b) => compareIds(a.id, b.id))
}

function pickStrings<T>(map: Y.Map<unknown>, fields: readonly string[]): T {
  const out: Record<string, string> = {}
  for (const field of fields) {
    const value = map.get(field)
    if (typeof value === 'string' && value !== '') out[field] = value
  }
  return out as T
}

function isOneOf<T extends string>(values: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (values as readonly string[]).includes(v)
}

/** Code-unit order, not locale order: ids must sort the same on every device. */
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
