// The API's reads as data: the same answers as the model's readers, serialized, with the state
// vector of what was read.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createCustomer, initBook, patchCustomer, readCustomer, readCustomers } from '@crm-sync/model'
import { parseAnswer, queryKey, runBookQuery } from './book-query'

const book = () => {
  const doc = new Y.Doc()
  initBook(doc, { name: 'Queries' })
  const kept = createCustomer(doc, { name: 'Kept Ltd', email: 'kept@example.com' }, { by: 'alice' })
  const archived = createCustomer(doc, { name: 'Gone GmbH' }, { by: 'alice' })
  patchCustomer(doc, archived, { archived: true })
  return { doc, kept, archived }
}

describe('runBookQuery', () => {
  it('lists the customers as the model reads them, archived ones only when asked', () => {
    const { doc } = book()
    const active = runBookQuery(doc, { kind: 'customers', includeArchived: false })
    expect(parseAnswer(active.body!)).toEqual({ customers: readCustomers(doc) })
    expect(parseAnswer(active.body!).customers).toHaveLength(1)
    const all = runBookQuery(doc, { kind: 'customers', includeArchived: true })
    expect(parseAnswer(all.body!)).toEqual({ customers: readCustomers(doc, { includeArchived: true }) })
    expect(all.stateVector).toEqual(Y.encodeStateVector(doc))
  })

  it('reads one customer, and null for an id the book does not have', () => {
    const { doc, kept } = book()
    expect(parseAnswer(runBookQuery(doc, { kind: 'customer', id: kept }).body!)).toEqual(readCustomer(doc, kept))
    expect(runBookQuery(doc, { kind: 'customer', id: 'no-such-customer' }).body).toBeNull()
  })

  it('keys identical queries alike and different ones apart', () => {
    const keys = [
      queryKey({ kind: 'customers', includeArchived: false }),
      queryKey({ kind: 'customers', includeArchived: true }),
      queryKey({ kind: 'customer', id: 'a' }),
      queryKey({ kind: 'customer', id: 'b' }),
    ]
    expect(new Set(keys).size).toBe(4)
    expect(queryKey({ kind: 'customer', id: 'a' })).toBe(keys[2])
  })
})
