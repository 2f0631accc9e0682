// The bridge on the relay's own rooms (npm start) against the BridgeBooks contract, and what only
// an in-process bridge has to mind: the room stays decoded while the bridge uses it and sleeps
// after, and a room dropped after a store failure is taken again without a lost write counted as
// flushed.
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readCustomer } from '@crm-sync/model'
import type { Room } from '../relay/room'
import { startTestServer, type TestServer } from '../testing/test-server'
import { waitFor } from '../testing/ws-clients'
import { runBridgeBooksContract } from './bridge-books.contract'
import { RelayBooks } from './relay-books'

/** The collector, when the process was started with --expose-gc (the server project's execArgv). */
const gc = (globalThis as { gc?: () => void }).gc

runBridgeBooksContract(
  'RelayBooks (the relay rooms, in process)',
  (server, o) => new RelayBooks({ ...o, rooms: server.rooms, keepAwakeMs: 0 }),
  (books) => (books as RelayBooks).letGoIdle(),
)

describe('RelayBooks', () => {
  const BOOK = 'north-territory'
  let server: TestServer
  let books: RelayBooks
  let unseen: string[]
  let woke: string[]
  let now = 0
  afterEach(async () => {
    await books.close()
    await server.dispose()
  })
  const start = async (keepAwakeMs = 60_000) => {
    server = await startTestServer({ BOOK_HIBERNATE_MS: '0' })
    unseen = []
    woke = []
    now = Date.now()
    books = new RelayBooks({
      rooms: server.rooms, log: pino({ level: 'silent' }), onChange: () => {}, onUnseen: (b) => unseen.push(b), onWoke: (b) => woke.push(b), keepAwakeMs, now: () => now,
    })
  }
  /** Writes as the bridge while the store fails: the room is dropped, the write lost. */
  const writeLost = async (id: string) => {
    const store = server.persistence.docStore
    const append = store.append.bind(store)
    store.append = async () => {
      throw new Error('disk full')
    }
    await books.write(BOOK, (doc) => (doc.getMap('customers').get(id) as Y.Map<unknown>).set('industry', 'Lost'))
    await waitFor(() => server.rooms.peek(BOOK) === undefined, 5_000, 'the failed room dropped')
    store.append = append
  }
  const sweep = () => {
    server.rooms.hibernateIdle()
    server.rooms.hibernateIdle()
  }

  it('holds the room awake while it uses it and keepAwakeMs after, then lets it sleep', async () => {
    await start()
    const doc = await books.doc(BOOK)
    sweep()
    expect(server.rooms.peek(BOOK)?.isDormant).toBe(false)
    expect(await books.doc(BOOK)).toBe(doc)
    now += 59_000
    books.letGoIdle()
    sweep()
    expect(books.holdsAwake(BOOK)).toBe(true)
    expect(server.rooms.peek(BOOK)?.isDormant).toBe(false)
    now += 1_000
    books.letGoIdle()
    expect(books.holdsAwake(BOOK)).toBe(false)
    sweep()
    // Asleep, and still loaded: the bridge keeps its lease (the room goes on hearing other instances).
    expect(server.rooms.peek(BOOK)?.isDormant).toBe(true)
    expect(books.peek(BOOK)).toBeNull()
    // Woken by someone else (here the API), into a new document: hashes listed before no longer hold.
    const wakes = woke.length
    await server.books.read(BOOK, () => null)
    expect(woke.slice(wakes)).toEqual([BOOK])
    const woken = await books.doc(BOOK)
    expect(woken).not.toBe(doc)
    expect(books.holdsAwake(BOOK)).toBe(true)
  })

  it('lets the room go dormant again once closed', async () => {
    await start()
    // Someone else's lease keeps the room loaded: closed, the bridge must let it sleep, not only leave it.
    const other = await server.rooms.acquire(BOOK)
    await books.doc(BOOK)
    await books.close()
    sweep()
    expect(server.rooms.peek(BOOK)?.isDormant).toBe(true)
    other.release()
  })

  it('takes a book again after its room failed, reports it unseen, and never calls a lost write flushed', async () => {
    await start()
    const first = await books.doc(BOOK)
    const room = server.rooms.peek(BOOK)!
    const id = [...first.getMap('customers').keys()][0]!
    const store = server.persistence.docStore
    await writeLost(id)
    expect(await books.flushed(BOOK, 2_000)).toBe(false)
    const again = await books.doc(BOOK)
    expect(again).not.toBe(first)
    expect(server.rooms.peek(BOOK)).not.toBe(room)
    expect(unseen).toEqual([BOOK])
    expect(readCustomer(again, id)?.industry).not.toBe('Lost')
    await books.write(BOOK, (doc) => (doc.getMap('customers').get(id) as Y.Map<unknown>).set('industry', 'Kept'))
    expect(await books.flushed(BOOK, 5_000)).toBe(true)
    const log = await store.readSince(BOOK, 0)
    expect(log.at(-1)?.userId).toBe('crm-bridge')
  })

  it.skipIf(!gc)('keeps no dropped room in memory: once evicted, the garbage collector may take it', async () => {
    await start()
    const id = [...(await books.doc(BOOK)).getMap('customers').keys()][0]!
    const dropped = new WeakRef<Room>(server.rooms.peek(BOOK)!)
    await writeLost(id)
    let collected = false
    for (let i = 0; i < 5 && !collected; i++) {
      await new Promise((r) => setTimeout(r, 10))
      gc!()
      collected = dropped.deref() === undefined
    }
    expect(collected).toBe(true)
    // Its lost write is still never called flushed.
    expect(await books.flushed(BOOK, 2_000)).toBe(false)
  })

  it('never calls a write flushed that a dropped room lost, even once the book was taken again', async () => {
    await start()
    const doc = await books.doc(BOOK)
    await writeLost([...doc.getMap('customers').keys()][0]!)
    await books.doc(BOOK)
    expect(await books.flushed(BOOK, 2_000)).toBe(false)
  })
})
