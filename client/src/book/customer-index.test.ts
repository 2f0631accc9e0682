import { createCustomer, initBook, readCustomers, type Customer } from '@crm-sync/model'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DEFAULT_QUERY } from '../lib/customer-query'
import { createLastChangeStore } from '../lib/last-change-store'
import { CustomerIndex, type ProjectionBasis } from './customer-index'

const setup = () => {
  const doc = new Y.Doc()
  initBook(doc, { name: 'Test' })
  let now = 1000
  const index = new CustomerIndex(doc, createLastChangeStore('b', null), () => now)
  index.follow()
  return { doc, index, tick: (t: number) => (now = t) }
}

describe('CustomerIndex', () => {
  it('follows customers created, edited and archived, here or on another replica', () => {
    const { doc, index, tick } = setup()
    let notified = 0
    index.subscribe(() => notified++)
    const a = createCustomer(doc, { name: 'Alpha', address: { city: 'Oslo' } }, { by: 'u', now: new Date(500) })
    const b = createCustomer(doc, { name: 'Beta' }, { by: 'u', now: new Date(600) })
    expect(index.query(DEFAULT_QUERY).map((r) => r.name)).toEqual(['Alpha', 'Beta'])
    expect(index.get(a)?.lastChange).toBe(500) // new customers start at createdAt

    // A remote edit (another replica) to a nested field: re-read and stamped "now".
    const remote = new Y.Doc()
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc))
    ;(remote.getMap('customers').get(b) as Y.Map<unknown>).set('name', 'Aardvark')
    ;((remote.getMap('customers').get(b) as Y.Map<unknown>).get('address') as Y.Map<unknown>).set('city', 'Bergen')
    tick(2000)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(doc)))
    expect(index.query(DEFAULT_QUERY).map((r) => r.name)).toEqual(['Aardvark', 'Alpha'])
    expect(index.query({ ...DEFAULT_QUERY, text: 'bergen' }).map((r) => r.id)).toEqual([b])
    expect(index.query({ ...DEFAULT_QUERY, sort: 'last-change' }).map((r) => r.id)).toEqual([b, a])

    ;(doc.getMap('customers').get(a) as Y.Map<unknown>).set('archived', true)
    expect(index.query(DEFAULT_QUERY).map((r) => r.id)).toEqual([b])
    expect(index.query({ ...DEFAULT_QUERY, status: 'archived' }).map((r) => r.id)).toEqual([a])
    expect(notified).toBe(4)
  })

  it('shows the saved projection until it follows the document, then only the document', () => {
    const doc = new Y.Doc()
    initBook(doc, { name: 'Test' })
    const live = createCustomer(doc, { name: 'Live One', address: { city: 'Turin' } }, { by: 'u', now: new Date(700) })
    const index = new CustomerIndex(doc, createLastChangeStore('b', null), () => 5000)
    const changes: string[] = []
    index.subscribe((c) => changes.push(c))
    expect(index.source).toBe('none')
    expect(index.query(DEFAULT_QUERY)).toEqual([])
    const projected = (id: string, name: string, extra: Partial<Customer> = {}): Customer =>
      ({ id, name, tags: [], notes: '', contacts: [], deals: [], activities: [], archived: false, createdAt: '1970-01-01T00:00:00.600Z', ...extra })
    index.showProjection([projected('p1', 'Zeta Saved', { address: { city: 'Oslo' } }), projected('p2', 'Alpha Saved', { archived: true, status: 'lead' })])
    expect(index.source).toBe('projection')
    expect(index.query(DEFAULT_QUERY).map((r) => r.name)).toEqual(['Zeta Saved'])
    expect(index.query({ ...DEFAULT_QUERY, status: 'archived' }).map((r) => r.name)).toEqual(['Alpha Saved'])
    expect(index.query({ ...DEFAULT_QUERY, text: 'oslo' }).map((r) => r.id)).toEqual(['p1'])
    expect(index.get('p1')?.lastChange).toBe(600)

    index.follow()
    expect(index.source).toBe('document')
    expect(index.query(DEFAULT_QUERY).map((r) => r.id)).toEqual([live])
    expect(index.get(live)?.lastChange).toBe(700) // arrival, not an edit
    index.showProjection([projected('p3', 'Too Late')])
    expect(index.query(DEFAULT_QUERY).map((r) => r.id)).toEqual([live])
    ;(doc.getMap('customers').get(live) as Y.Map<unknown>).set('name', 'Live Renamed')
    expect(index.query(DEFAULT_QUERY).map((r) => r.name)).toEqual(['Live Renamed'])
    expect(changes).toEqual(['source', 'source', 'rows'])
  })

  describe('from the projection to the document', () => {
    /** A book as saved on the device: its customers read out, then `b` renamed and marked stale. */
    const savedBook = () => {
      const source = new Y.Doc()
      initBook(source, { name: 'Test' })
      const a = createCustomer(source, { name: 'Alpha', address: { city: 'Oslo' } }, { by: 'u', now: new Date(500) })
      const b = createCustomer(source, { name: 'Beta' }, { by: 'u', now: new Date(600) })
      const customers = readCustomers(source, { includeArchived: true })
      ;(source.getMap('customers').get(b) as Y.Map<unknown>).set('name', 'Beta Renamed')
      const state = Y.encodeStateVector(source)
      const basis: ProjectionBasis = {
        stale: new Set([b]),
        matches: (doc) => Buffer.from(Y.encodeStateVector(doc)).equals(Buffer.from(state)),
      }
      return { source, a, b, customers, basis }
    }

    it('keeps the rows when the document loads in the state they were read from, re-reading only stale ones', () => {
      const { source, a, b, customers, basis } = savedBook()
      const doc = new Y.Doc()
      const index = new CustomerIndex(doc, createLastChangeStore('b', null), () => 5000)
      const changes: string[] = []
      index.subscribe((c) => changes.push(c))
      index.showProjection(customers, basis)
      const rowA = index.get(a)
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(source)) // the document loads
      index.follow()
      expect(index.source).toBe('document')
      expect(index.get(a)).toBe(rowA) // not read again
      expect(index.get(b)?.name).toBe('Beta Renamed') // stale: read from the document
      expect(index.query(DEFAULT_QUERY).map((r) => r.name)).toEqual(['Alpha', 'Beta Renamed'])
      ;(doc.getMap('customers').get(a) as Y.Map<unknown>).set('name', 'Alpha Two')
      expect(index.query(DEFAULT_QUERY).map((r) => r.name)).toEqual(['Alpha Two', 'Beta Renamed'])
      expect(changes).toEqual(['source', 'source', 'rows'])
    })

    it('reads every row again when the document is in another state', () => {
      const { source, a, customers, basis } = savedBook()
      const doc = new Y.Doc()
      const index = new CustomerIndex(doc, createLastChangeStore('b', null), () => 5000)
      index.showProjection(customers, basis)
      const rowA = index.get(a)
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(source))
      ;(doc.getMap('customers').get(a) as Y.Map<unknown>).set('name', 'Alpha Moved On') // before following
      index.follow()
      expect(index.get(a)).not.toBe(rowA)
      expect(index.query(DEFAULT_QUERY).map((r) => r.name)).toEqual(['Alpha Moved On', 'Beta Renamed'])
    })
  })

  it('stops listening when disposed', () => {
    const { doc, index } = setup()
    index.dispose()
    createCustomer(doc, { name: 'Late' }, { by: 'u' })
    expect(index.size).toBe(0)
  })
})
