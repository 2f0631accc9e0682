import { createCustomer, initBook } from '@crm-sync/model'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DEFAULT_QUERY } from '../lib/customer-query'
import { createLastChangeStore } from '../lib/last-change-store'
import { CustomerIndex } from './customer-index'

const setup = () => {
  const doc = new Y.Doc()
  initBook(doc, { name: 'Test' })
  let now = 1000
  const index = new CustomerIndex(doc, createLastChangeStore('b', null), () => now)
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

  it('stops listening when disposed', () => {
    const { doc, index } = setup()
    index.dispose()
    createCustomer(doc, { name: 'Late' }, { by: 'u' })
    expect(index.size).toBe(0)
  })
})
