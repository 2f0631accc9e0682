// The book side of the field map: reads customers, contacts and deals out of a book as flat
// string values (the form the merge works on) and writes merged values back through the model's
// helpers, so every write is minimal and notes stay a text diff.
import * as Y from 'yjs'
import {
  addContact, addDeal, archiveCustomer, createCustomer, customersMap, patchCustomer, readCustomer, removeContact, removeDeal,
  updateContact, updateDeal, type Contact, type Customer, type CustomerPatch, type Deal, type NewCustomer,
} from '@crm-sync/model'
import type { BridgeKind } from './field-map'
import type { BookValues } from './record-merge'

export interface BookRecordRef {
  readonly kind: BridgeKind
  readonly crdtId: string
  /** The customer of a contact or deal; null for a customer. */
  readonly parentId: string | null
}

export interface BookRecord extends BookRecordRef {
  readonly values: BookValues
  /** A customer's archived flag; contacts and deals present in the book are never archived. */
  readonly archived: boolean
}

const s = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v)

export function companyValues(c: Customer): Record<string, string | null> {
  return {
    name: s(c.name), status: s(c.status), email: s(c.email), phone: s(c.phone), website: s(c.website),
    industry: s(c.industry), ownerId: s(c.ownerId),
    'address.street': s(c.address?.street), 'address.city': s(c.address?.city), 'address.region': s(c.address?.region),
    'address.postalCode': s(c.address?.postalCode), 'address.country': s(c.address?.country),
    tags: c.tags.length > 0 ? c.tags.join(';') : null,
    notes: s(c.notes),
  }
}

export const contactValues = (k: Contact): Record<string, string | null> => ({
  firstName: s(k.firstName), lastName: s(k.lastName), email: s(k.email), phone: s(k.phone), title: s(k.title),
})

export const dealValues = (d: Deal): Record<string, string | null> => ({
  name: s(d.name), amount: d.amount === undefined ? null : String(d.amount), currency: s(d.currency), stage: s(d.stage),
  closeDate: s(d.closeDate),
})

/** Every customer, contact and deal of the book. */
export function listBookRecords(doc: Y.Doc): BookRecord[] {
  const out: BookRecord[] = []
  for (const id of customersMap(doc).keys()) {
    const c = readCustomer(doc, id)
    if (!c) continue
    out.push({ kind: 'company', crdtId: id, parentId: null, values: companyValues(c), archived: c.archived })
    for (const k of c.contacts) out.push({ kind: 'contact', crdtId: k.id, parentId: id, values: contactValues(k), archived: false })
    for (const d of c.deals) out.push({ kind: 'deal', crdtId: d.id, parentId: id, values: dealValues(d), archived: false })
  }
  return out
}

export function readBookRecord(doc: Y.Doc, ref: BookRecordRef): BookRecord | null {
  if (ref.kind === 'company') {
    const c = readCustomer(doc, ref.crdtId)
    return c ? { ...ref, parentId: null, values: companyValues(c), archived: c.archived } : null
  }
  if (!ref.parentId) return null
  const c = readCustomer(doc, ref.parentId)
  if (!c) return null
  if (ref.kind === 'contact') {
    const k = c.contacts.find((x) => x.id === ref.crdtId)
    return k ? { ...ref, values: contactValues(k), archived: false } : null
  }
  const d = c.deals.find((x) => x.id === ref.crdtId)
  return d ? { ...ref, values: dealValues(d), archived: false } : null
}

/** Finds the customer holding a contact or deal (for records the bridge has not linked yet). */
export function findParent(doc: Y.Doc, kind: 'contact' | 'deal', childId: string): string | null {
  const key = kind === 'contact' ? 'contacts' : 'deals'
  for (const [id, customer] of customersMap(doc).entries()) {
    const children = customer instanceof Y.Map ? customer.get(key) : undefined
    if (children instanceof Y.Map && children.has(childId)) return id
  }
  return null
}

function companyPatch(values: Readonly<Record<string, string | null>>): CustomerPatch {
  const patch: Record<string, unknown> = {}
  const address: Record<string, string | null> = {}
  for (const [field, v] of Object.entries(values)) {
    if (field.startsWith('address.')) address[field.slice(8)] = v
    else if (field === 'tags') patch['tags'] = v ? v.split(';') : []
    else if (field === 'notes') patch['notes'] = v ?? ''
    else if (field === 'name') {
      if (v) patch['name'] = v // a customer keeps a name; the next round pushes it back
    } else patch[field] = v
  }
  if (Object.keys(address).length > 0) patch['address'] = address
  return patch as CustomerPatch
}

const childFields = (kind: 'contact' | 'deal', values: Readonly<Record<string, string | null>>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [field, v] of Object.entries(values)) {
    if (kind === 'deal' && field === 'amount') out[field] = v === null ? null : Number(v)
    else if (kind === 'deal' && field === 'name') {
      if (v) out[field] = v
    } else out[field] = v
  }
  return out
}

export interface BookWrite {
  readonly ref: BookRecordRef
  /** Create the record with these values (it does not exist in the book). */
  readonly create?: Readonly<Record<string, string | null>>
  readonly patch?: Readonly<Record<string, string | null>>
  /** Customers: set the archived flag. Contacts and deals: true removes them. */
  readonly archived?: boolean
  /** Create date for new customers. */
  readonly createdAt?: number
}

/** Applies one record's write; call inside a transaction with the bridge's origin. Returns whether it wrote. */
export function applyBookWrite(doc: Y.Doc, w: BookWrite, origin: unknown, by: string): void {
  const { ref } = w
  if (ref.kind === 'company') {
    if (w.create) {
      const values = companyPatch(w.create) as NewCustomer
      createCustomer(doc, { ...values, name: (values.name as string | undefined) ?? '(unnamed company)', archived: w.archived ?? false } as NewCustomer, {
        by, id: ref.crdtId, origin, ...(w.createdAt ? { now: new Date(w.createdAt) } : {}),
      })
      return
    }
    if (w.patch && Object.keys(w.patch).length > 0) patchCustomer(doc, ref.crdtId, companyPatch(w.patch), origin)
    if (w.archived !== undefined) archiveCustomer(doc, ref.crdtId, w.archived, origin)
    return
  }
  const parent = ref.parentId
  if (!parent) return
  if (w.archived === true) {
    if (ref.kind === 'contact') removeContact(doc, parent, ref.crdtId, origin)
    else removeDeal(doc, parent, ref.crdtId, origin)
    return
  }
  if (w.create) {
    const fields = childFields(ref.kind, w.create)
    for (const k of Object.keys(fields)) if (fields[k] === null) delete fields[k]
    if (ref.kind === 'contact') addContact(doc, parent, { ...fields, id: ref.crdtId }, origin)
    else addDeal(doc, parent, { name: '(unnamed deal)', ...fields, id: ref.crdtId }, origin)
    return
  }
  if (w.patch && Object.keys(w.patch).length > 0) {
    if (ref.kind === 'contact') updateContact(doc, parent, ref.crdtId, childFields('contact', w.patch), origin)
    else updateDeal(doc, parent, ref.crdtId, childFields('deal', w.patch), origin)
  }
}
