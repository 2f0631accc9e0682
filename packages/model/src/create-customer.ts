// Creating a customer writes its whole subtree (scalars, address, tags, notes, contacts,
// deals, activities) in one transaction, so every replica sees it appear complete at once.
import * as Y from 'yjs'
import { customersMap } from './book'
import { activitiesArray, makeActivityMap } from './activities'
import { childMap, insertChild } from './child-records'
import { invalid, writeKey } from './customer-map'
import { ADDRESS_FIELDS, CONTACT_FIELDS, DEAL_FIELDS, type NewCustomer } from './customer-schema'
import { checkDeal } from './deals'
import { ModelError } from './model-error'
import { newId } from './new-id'
import { cleanTags } from './tags'

const OPTIONAL_SCALARS = ['status', 'email', 'phone', 'website', 'industry', 'ownerId'] as const

export type CreateCustomerOptions = {
  /** User id recorded as createdBy, and the default author of activities. */
  by: string
  /** Defaults to a new UUIDv7. */
  id?: string
  now?: Date
  origin?: unknown
}

/** Returns the new customer's id. The input is trusted; run validateCustomer on user data first. */
export function createCustomer(doc: Y.Doc, input: NewCustomer, opts: CreateCustomerOptions): string {
  const name = typeof input.name === 'string' ? input.name.trim() : ''
  if (name === '') throw invalid('a customer needs a name')
  for (const deal of input.deals ?? []) checkDeal(deal)
  const customers = customersMap(doc)
  const id = opts.id ?? newId()
  if (customers.has(id)) throw new ModelError('customer-exists', `customer ${id} already exists`)
  const now = opts.now ?? new Date()

  doc.transact(() => {
    const customer = customers.set(id, new Y.Map<unknown>())
    customer.set('id', id)
    customer.set('name', name)
    for (const field of OPTIONAL_SCALARS) writeKey(customer, field, input[field])
    customer.set('archived', input.archived ?? false)
    customer.set('createdAt', now.toISOString())
    customer.set('createdBy', opts.by)

    const address = customer.set('address', new Y.Map<unknown>())
    for (const field of ADDRESS_FIELDS) writeKey(address, field, input.address?.[field])
    customer.set('tags', new Y.Array<string>()).push(cleanTags(input.tags ?? []))
    customer.set('notes', new Y.Text(input.notes ?? ''))

    childMap(customer, 'contacts')
    for (const contact of input.contacts ?? []) insertChild(customer, 'contacts', CONTACT_FIELDS, contact)
    childMap(customer, 'deals')
    for (const deal of input.deals ?? []) insertChild(customer, 'deals', DEAL_FIELDS, deal)
    const activities = activitiesArray(customer)
    activities.push((input.activities ?? []).map((a) => makeActivityMap({ ...a, by: a.by ?? opts.by }, now).map))
  }, opts.origin)
  return id
}
