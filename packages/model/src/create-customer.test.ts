import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { customersMap } from './book'
import { createCustomer } from './create-customer'
import { customerSchema, type NewCustomer } from './customer-schema'
import { isModelError } from './model-error'
import { UUID_V7_PATTERN } from './new-id'
import { readBook, readCustomer, readCustomers } from './read-customer'
import { archiveCustomer } from './set-customer-field'
import { countUpdates, replicaOf } from './test-helpers'

const now = new Date('2025-03-01T10:00:00.000Z')

const full: NewCustomer = {
  name: 'Müller Maschinenbau GmbH',
  status: 'prospect',
  email: 'info@mueller-maschinenbau.de',
  phone: '+493012345678',
  website: 'https://mueller-maschinenbau.de',
  industry: 'Manufacturing',
  ownerId: 'alice',
  address: { street: 'Hauptstraße 5', city: 'Berlin', postalCode: '10115', country: 'DE' },
  tags: ['vip', 'key-account'],
  notes: 'Prefers visits on Monday.\nCall ahead.',
  contacts: [
    { id: 'c2', firstName: 'Anna', lastName: 'Schmidt', email: 'anna@mueller-maschinenbau.de' },
    { id: 'c1', firstName: 'Jonas', title: 'Buyer' },
  ],
  deals: [{ id: 'd1', name: 'Service contract 2025', amount: 12000, currency: 'EUR', stage: 'qualifiedtobuy', closeDate: '2025-06-30' }],
  activities: [
    { id: 'a1', kind: 'visit', text: 'First visit.', at: '2025-02-01T09:00:00.000Z' },
    { id: 'a2', kind: 'call', text: 'Follow-up.', by: 'bob', at: '2025-02-03T09:00:00.000Z' },
  ],
}

describe('createCustomer / readCustomer', () => {
  it('round-trips every field into the plain form', () => {
    const doc = new Y.Doc()
    const id = createCustomer(doc, full, { by: 'alice', id: 'cust-1', now })
    expect(id).toBe('cust-1')
    const customer = readCustomer(doc, id)
    expect(customer).toEqual({
      ...full,
      id: 'cust-1',
      archived: false,
      createdAt: now.toISOString(),
      createdBy: 'alice',
      contacts: [full.contacts![1], full.contacts![0]], // sorted by id
      activities: [{ ...full.activities![0], by: 'alice' }, full.activities![1]],
    })
    expect(customerSchema.parse(customer)).toEqual(customer)
  })

  it('survives encoding and decoding the document (another replica reads the same)', () => {
    const doc = new Y.Doc()
    const id = createCustomer(doc, full, { by: 'alice', now })
    expect(readCustomer(replicaOf(doc), id)).toEqual(readCustomer(doc, id))
  })

  it('follows the contract layout: one key per scalar, nested Y types for the rest', () => {
    const doc = new Y.Doc()
    const id = createCustomer(doc, full, { by: 'alice', now })
    const map = customersMap(doc).get(id)!
    expect(map.get('id')).toBe(id)
    expect(map.get('email')).toBe(full.email)
    expect(map.get('archived')).toBe(false)
    expect(map.get('address')).toBeInstanceOf(Y.Map)
    expect(map.get('tags')).toBeInstanceOf(Y.Array)
    expect(map.get('notes')).toBeInstanceOf(Y.Text)
    expect(map.get('contacts')).toBeInstanceOf(Y.Map)
    expect(map.get('deals')).toBeInstanceOf(Y.Map)
    expect(map.get('activities')).toBeInstanceOf(Y.Array)
    expect((map.get('contacts') as Y.Map<Y.Map<unknown>>).get('c1')!.get('id')).toBe('c1')
  })

  it('leaves unset optional fields absent, not null', () => {
    const doc = new Y.Doc()
    const id = createCustomer(doc, { name: 'Tiny Ltd', email: '', phone: undefined }, { by: 'bob', now })
    const customer = readCustomer(doc, id)!
    expect(customer).toEqual({
      id, name: 'Tiny Ltd', tags: [], notes: '', contacts: [], deals: [], activities: [],
      archived: false, createdAt: now.toISOString(), createdBy: 'bob',
    })
    expect(customersMap(doc).get(id)!.has('email')).toBe(false)
    expect('address' in customer).toBe(false)
  })

  it('creates a customer in one transaction: one update', () => {
    const doc = new Y.Doc()
    expect(countUpdates(doc, () => createCustomer(doc, full, { by: 'alice' }))).toBe(1)
  })

  it('passes the origin to the transaction', () => {
    const doc = new Y.Doc()
    const origins: unknown[] = []
    doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin))
    createCustomer(doc, { name: 'X' }, { by: 'a', origin: 'import' })
    expect(origins).toEqual(['import'])
  })

  it('makes UUIDv7 ids by default and refuses to overwrite an existing id', () => {
    const doc = new Y.Doc()
    const id = createCustomer(doc, { name: 'A' }, { by: 'a' })
    expect(id).toMatch(UUID_V7_PATTERN)
    expect(() => createCustomer(doc, { name: 'B' }, { by: 'a', id })).toThrow(
      expect.objectContaining({ code: 'customer-exists' }),
    )
  })

  it('rejects a customer without a name', () => {
    try {
      createCustomer(new Y.Doc(), { name: '  ' }, { by: 'a' })
      expect.unreachable()
    } catch (e) {
      expect(isModelError(e, 'invalid-input')).toBe(true)
    }
  })

  it('returns null for an unknown customer', () => {
    expect(readCustomer(new Y.Doc(), 'nope')).toBeNull()
  })

  it('readCustomers sorts by id and hides archived ones unless asked; readBook has them all', () => {
    const doc = new Y.Doc()
    createCustomer(doc, { name: 'B' }, { by: 'a', id: 'b' })
    createCustomer(doc, { name: 'A' }, { by: 'a', id: 'a' })
    createCustomer(doc, { name: 'C' }, { by: 'a', id: 'c' })
    archiveCustomer(doc, 'b')
    expect(readCustomers(doc).map((c) => c.id)).toEqual(['a', 'c'])
    expect(readCustomers(doc, { includeArchived: true }).map((c) => c.id)).toEqual(['a', 'b', 'c'])
    expect(readBook(doc).customers.map((c) => c.id)).toEqual(['a', 'b', 'c'])
  })
})

describe('reading documents written by other programs', () => {
  it('skips values of the wrong type and dedupes tags added twice concurrently', () => {
    const doc = new Y.Doc()
    const map = customersMap(doc).set('x', new Y.Map<unknown>())
    map.set('name', 'Foreign Corp')
    map.set('status', 'unknown-status')
    map.set('email', 42)
    map.set('tags', Y.Array.from(['vip', 'vip', 'north']))
    const customer = readCustomer(doc, 'x')!
    expect(customer).toEqual({
      id: 'x', name: 'Foreign Corp', tags: ['vip', 'north'], notes: '',
      contacts: [], deals: [], activities: [], archived: false,
    })
  })
})
