// The API's writes to a big dormant book are made on a worker from its bytes: the update the
// worker made joins the book's tail (the book stays dormant), reaches every client and the store
// before the answer, and reads see it. A refused body, a missing customer or a model error write
// nothing. A book written often, or whose worker fails, is woken and written in place; an awake or
// small book is written in place.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { patchCustomer, readCustomer } from '@crm-sync/model'
import type { RoomPeer } from '../relay/room'
import type { BookMutation, MutationOutcome } from './book-mutation'
import { parseAnswer } from './book-query'
import { BookQueryError, createWorkerBookQueryRunner, type BookQueryRunner } from './book-query-runner'
import { BOOK, openDormantBook as open } from '../testing/dormant-big-book'
import { WAKE_AFTER_WORKER_WRITES } from './dormant-book-writes'

const patch = (id: string, body: unknown): BookMutation => ({ kind: 'patch-customer', id, body, defaultRegion: 'GB' })

const written = (outcome: MutationOutcome) => {
  if (outcome.kind !== 'written') throw new Error(`expected a written outcome, got ${outcome.kind}`)
  return parseAnswer(outcome.answer)
}

/** The book as the store holds it: what a reload would show. */
const storedDoc = async (store: Awaited<ReturnType<typeof open>>['store']) => {
  const loaded = await store.load(BOOK)
  const doc = new Y.Doc()
  if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot)
  for (const u of loaded.updates) Y.applyUpdate(doc, u.update)
  return doc
}

describe('DormantBookWrites', () => {
  it('patches on a worker: the update joins the tail, reaches clients and the store, and the book stays dormant', async () => {
    const { ids, books, room, jobs, outcomes, metrics, store } = await open()
    const frames: Uint8Array[] = []
    const client: RoomPeer = { deliver: (frame) => frames.push(frame.payload) }
    room.peers.add(client)
    // The customer's own country (DE) reads the phone, not the default (GB).
    const outcome = await books.mutate(BOOK, 'carol', patch(ids[1]!, { phone: '030 1234567', industry: 'Optics' }))
    expect(written(outcome)).toMatchObject({ id: ids[1], phone: '+49301234567', industry: 'Optics' })
    expect(jobs).toEqual(['patch-customer'])
    expect(room.isDormant).toBe(true)
    expect((await metrics.bookWakes.get()).values[0]?.value ?? 0).toBe(0)
    expect(await outcomes('dormantWrites')).toEqual({ worker: 1 })
    expect(frames).toHaveLength(1)
    const stored = await store.load(BOOK)
    expect(stored.updates.at(-1)).toMatchObject({ userId: 'carol' })
    expect(readCustomer(await storedDoc(store), ids[1]!)).toMatchObject({ phone: '+49301234567', industry: 'Optics' })
    // Reads see it (from the tail, on the worker), and so does the document once woken.
    expect(parseAnswer((await books.query(BOOK, { kind: 'customer', id: ids[1]! })).body!)).toMatchObject({ industry: 'Optics' })
    expect(readCustomer(room.doc, ids[1]!)).toMatchObject({ industry: 'Optics' })
  }, 30_000)

  it('creates a customer on a worker, recorded as created by the writer', async () => {
    const { books, room, jobs, store } = await open()
    const created = written(await books.mutate(BOOK, 'carol', { kind: 'create-customer', customer: { name: 'Third Co', email: 'a@third.example' } }))
    expect(created).toMatchObject({ name: 'Third Co', email: 'a@third.example', createdBy: 'carol' })
    expect(jobs).toEqual(['create-customer'])
    expect(room.isDormant).toBe(true)
    expect(readCustomer(await storedDoc(store), created.id as string)).toMatchObject({ name: 'Third Co' })
  }, 30_000)

  it('merges with edits clients made while the worker wrote', async () => {
    const real = createWorkerBookQueryRunner()
    let started: () => void = () => {}
    const whenStarted = new Promise<void>((resolve) => (started = resolve))
    const runner: BookQueryRunner = { ...real, mutate: (...args) => (started(), real.mutate(...args)) }
    const { ids, books, room, edit, store } = await open({ runner })
    const writing = books.mutate(BOOK, 'carol', patch(ids[0]!, { industry: 'Glass', website: 'https://glass.example' }))
    await whenStarted
    await new Promise((resolve) => setTimeout(resolve, 50)) // the worker has the book's bytes
    edit((device) => patchCustomer(device, ids[0]!, { website: 'https://noted.example', email: 'info@noted.example' }))
    written(await writing)
    // Both writes are in; of the two websites, the one Yjs orders last, as on every replica.
    const merged = readCustomer(room.doc, ids[0]!)!
    expect(merged).toMatchObject({ industry: 'Glass', email: 'info@noted.example' })
    expect(['https://glass.example', 'https://noted.example']).toContain(merged.website)
    expect(readCustomer(await storedDoc(store), ids[0]!)).toEqual(merged)
    await real.close()
  }, 30_000)

  it('writes nothing for a customer the book lacks, a body that does not pass, or a value the model refuses', async () => {
    const { ids, books, room, jobs, store } = await open()
    const before = (await store.load(BOOK)).headSeq
    expect(await books.mutate(BOOK, 'carol', patch('missing', { industry: 'x' }))).toEqual({ kind: 'not-found' })
    const refused = await books.mutate(BOOK, 'carol', patch(ids[1]!, { email: 'not an address' }))
    expect(refused).toMatchObject({ kind: 'invalid', issues: [{ path: 'email' }] })
    await expect(books.mutate(BOOK, 'carol', { kind: 'create-customer', customer: { name: '  ' } })).rejects.toMatchObject({ name: 'ModelError', code: 'invalid-input' })
    // A patch that changes nothing answers the customer and writes nothing either.
    expect(written(await books.mutate(BOOK, 'carol', patch(ids[1]!, { name: 'Second GmbH' })))).toMatchObject({ name: 'Second GmbH' })
    expect(jobs).toEqual(['patch-customer', 'patch-customer', 'create-customer', 'patch-customer'])
    expect((await store.load(BOOK)).headSeq).toBe(before)
    expect(room.isDormant).toBe(true)
  }, 30_000)

  it('wakes a book written often: after WAKE_AFTER_WORKER_WRITES worker writes of one encoded state', async () => {
    const { ids, books, room, jobs, outcomes } = await open()
    for (let i = 0; i < WAKE_AFTER_WORKER_WRITES; i++) written(await books.mutate(BOOK, 'carol', patch(ids[0]!, { industry: `I${i}` })))
    expect(room.isDormant).toBe(true)
    expect(written(await books.mutate(BOOK, 'carol', patch(ids[0]!, { industry: 'Last' })))).toMatchObject({ industry: 'Last' })
    expect(jobs).toHaveLength(WAKE_AFTER_WORKER_WRITES)
    expect(room.isDormant).toBe(false)
    expect(await outcomes('dormantWrites')).toEqual({ worker: WAKE_AFTER_WORKER_WRITES, frequent: 1 })
  }, 30_000)

  it('still writes when the worker fails, by waking the book', async () => {
    const failing: BookQueryRunner = {
      run: () => Promise.reject(new BookQueryError('failed', 'no worker today')),
      mutate: () => Promise.reject(new BookQueryError('failed', 'no worker today')),
      close: () => Promise.resolve(),
    }
    const { ids, books, room, outcomes, store } = await open({ runner: failing })
    expect(written(await books.mutate(BOOK, 'carol', patch(ids[0]!, { industry: 'Optics' })))).toMatchObject({ industry: 'Optics' })
    expect(room.isDormant).toBe(false)
    expect(await outcomes('dormantWrites')).toEqual({ failed: 1 })
    expect(readCustomer(await storedDoc(store), ids[0]!)).toMatchObject({ industry: 'Optics' })
  }, 30_000)

  it('writes an awake book, or a small dormant one, in place', async () => {
    const big = await open()
    big.room.doc // woken
    expect(written(await big.books.mutate(BOOK, 'carol', patch(big.ids[0]!, { industry: 'Optics' })))).toMatchObject({ industry: 'Optics' })
    expect(big.jobs).toEqual([])
    const small = await open({ small: true })
    expect(small.room.isDormant).toBe(true)
    expect(written(await small.books.mutate(BOOK, 'carol', patch(small.ids[0]!, { industry: 'Optics' })))).toMatchObject({ industry: 'Optics' })
    expect(small.jobs).toEqual([])
    expect(small.room.isDormant).toBe(false)
  }, 30_000)
})
