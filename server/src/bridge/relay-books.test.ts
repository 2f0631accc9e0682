// The bridge on the relay's own rooms (npm start) against the BridgeBooks contract, and what only
// an in-process bridge has to mind: the room must stay decoded while the bridge holds it, and a
// room dropped after a store failure is taken again.
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readCustomer } from '@crm-sync/model'
import { startTestServer, type TestServer } from '../testing/test-server'
import { runBridgeBooksContract } from './bridge-books.contract'
import { RelayBooks } from './relay-books'

runBridgeBooksContract('RelayBooks (the relay rooms, in process)', (server, o) => new RelayBooks({ ...o, rooms: server.rooms }))

describe('RelayBooks', () => {
  let server: TestServer
  let books: RelayBooks
  afterEach(async () => {
    await books.close()
    await server.dispose()
  })
  const start = async () => {
    server = await startTestServer({ BOOK_HIBERNATE_MS: '0' })
    books = new RelayBooks({ rooms: server.rooms, log: pino({ level: 'silent' }), onChange: () => {} })
  }

  it('keeps the room it holds awake: the document it hands out stays the room\'s', async () => {
    await start()
    const doc = await books.doc('north-territory')
    server.rooms.hibernateIdle()
    server.rooms.hibernateIdle()
    expect(server.rooms.peek('north-territory')?.isDormant).toBe(false)
    expect(await books.doc('north-territory')).toBe(doc)
  })

  it('lets the room go dormant again once closed', async () => {
    await start()
    await books.doc('north-territory')
    await books.close()
    server.rooms.hibernateIdle()
    server.rooms.hibernateIdle()
    expect(server.rooms.peek('north-territory')?.isDormant ?? true).toBe(true)
  })

  it('takes a book again after its room failed, and never calls a lost write flushed', async () => {
    await start()
    const first = await books.doc('north-territory')
    const room = server.rooms.peek('north-territory')!
    const id = [...first.getMap('customers').keys()][0]!
    const store = server.persistence.docStore
    const append = store.append.bind(store)
    store.append = async () => {
      throw new Error('disk full')
    }
    await books.write('north-territory', (doc) => (doc.getMap('customers').get(id) as Y.Map<unknown>).set('industry', 'Lost'))
    expect(await books.flushed('north-territory', 2_000)).toBe(false)
    store.append = append
    const again = await books.doc('north-territory')
    expect(again).not.toBe(first)
    expect(server.rooms.peek('north-territory')).not.toBe(room)
    expect(readCustomer(again, id)?.industry).not.toBe('Lost')
    await books.write('north-territory', (doc) => (doc.getMap('customers').get(id) as Y.Map<unknown>).set('industry', 'Kept'))
    expect(await books.flushed('north-territory', 5_000)).toBe(true)
    const log = await store.readSince('north-territory', 0)
    expect(log.at(-1)?.userId).toBe('crm-bridge')
  })
})
