// Server-side reads of a big dormant book come from its bytes on a worker: the same answers as
// the woken document, tail included, and the book stays dormant. Identical reads of one state share
// a job; a new edit, or the time, ends that. A book read often, or whose worker fails, is woken and
// answers from its document; an awake or small book is read in place.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createCustomer, patchCustomer, readCustomer, readCustomers } from '@crm-sync/model'
import { exportBookStream } from '../import/export-stream'
import { parseAnswer } from './book-query'
import { BookQueryError, type BookQueryRunner } from './book-query-runner'
import { BOOK, openDormantBook as open } from '../testing/dormant-big-book'
import { WAKE_AFTER_WORKER_READS } from './dormant-book-reads'

const ALL = { kind: 'customers', includeArchived: false } as const

describe('DormantBookReads', () => {
  it('answers from the bytes on a worker, as the woken book would, and the book stays dormant', async () => {
    const { doc, ids, books, room, jobs, metrics } = await open()
    expect(room.isDormant).toBe(true)
    const list = await books.query(BOOK, ALL)
    expect(parseAnswer(list.body)).toEqual({ customers: readCustomers(doc) })
    expect(list.stateVector).toEqual(Y.encodeStateVector(doc))
    const one = await books.query(BOOK, { kind: 'customer', id: ids[1]! })
    expect(parseAnswer(one.body!)).toEqual(readCustomer(doc, ids[1]!))
    expect((await books.query(BOOK, { kind: 'customer', id: 'missing' })).body).toBeNull()
    expect(jobs).toEqual(['customers', 'customer', 'customer'])
    expect(room.isDormant).toBe(true)
    expect((await metrics.bookWakes.get()).values[0]?.value ?? 0).toBe(0)
  }, 30_000)

  it('reads the edits the dormant book took since its encoding (its tail)', async () => {
    const { doc, ids, books, room, edit } = await open()
    await books.query(BOOK, ALL)
    edit((device) => patchCustomer(device, ids[1]!, { phone: '+44 20 7946 0000' }))
    expect(room.isDormant).toBe(true)
    const one = await books.query(BOOK, { kind: 'customer', id: ids[1]! })
    expect(readCustomer(doc, ids[1]!)?.phone).toBe('+44 20 7946 0000')
    expect(parseAnswer(one.body!)).toEqual(readCustomer(doc, ids[1]!))
    expect(parseAnswer((await books.query(BOOK, ALL)).body)).toEqual({ customers: readCustomers(doc) })
    expect(room.isDormant).toBe(true)
  }, 30_000)

  it('shares one job among identical reads of one state; a new edit needs a new one', async () => {
    const { doc, books, jobs, outcomes, edit } = await open()
    const [a, b, c] = await Promise.all([books.query(BOOK, ALL), books.query(BOOK, ALL), books.query(BOOK, ALL)])
    expect(b).toBe(a)
    expect(c).toBe(a)
    await books.query(BOOK, ALL) // done, still shared
    expect(jobs).toEqual(['customers'])
    expect(await outcomes()).toEqual({ worker: 1, shared: 3 })
    edit((device) => createCustomer(device, { name: 'Third Co' }, { by: 'bob' }))
    const after = await books.query(BOOK, ALL)
    expect(jobs).toEqual(['customers', 'customers'])
    expect(parseAnswer(after.body).customers).toHaveLength(3)
    expect(parseAnswer(after.body)).toEqual({ customers: readCustomers(doc) })
  }, 30_000)

  it('wakes a book read often: after WAKE_AFTER_WORKER_READS worker reads of one encoded state', async () => {
    const { doc, ids, books, room, jobs, outcomes, edit } = await open()
    for (let i = 0; i < WAKE_AFTER_WORKER_READS - 1; i++) await books.query(BOOK, { kind: 'customer', id: `missing-${i}` })
    // A new edit starts new shared answers, not a new count: the encoded state is the same.
    edit((device) => patchCustomer(device, ids[0]!, { industry: 'Optics' }))
    await books.query(BOOK, { kind: 'customer', id: ids[0]! })
    expect(jobs).toHaveLength(WAKE_AFTER_WORKER_READS)
    expect(room.isDormant).toBe(true)
    expect(parseAnswer((await books.query(BOOK, { kind: 'customer', id: ids[1]! })).body!)).toEqual(readCustomer(doc, ids[1]!))
    expect(jobs).toHaveLength(WAKE_AFTER_WORKER_READS)
    expect(room.isDormant).toBe(false)
    expect(await outcomes()).toEqual({ worker: WAKE_AFTER_WORKER_READS, frequent: 1 })
  }, 30_000)

  it('builds an export on a worker, the same file the stream makes of the woken book, and leaves the book dormant', async () => {
    const { books, room, jobs } = await open()
    const pins = { acquire: async () => ({ release: () => {} }) }
    const text = async (stream: ReadableStream<Uint8Array>) => new Response(stream).text()
    const built = new Map<string, string>()
    for (const format of ['json', 'csv', 'xml'] as const) {
      built.set(format, await text(await exportBookStream(books, pins, BOOK, format)))
      expect(room.isDormant).toBe(true)
    }
    expect(jobs).toEqual(['export', 'export', 'export'])
    expect((JSON.parse(built.get('json')!) as unknown[]).length).toBe(2)
    room.doc // woken: streamed a chunk at a time, as before
    for (const format of ['json', 'csv', 'xml'] as const) expect(await text(await exportBookStream(books, pins, BOOK, format))).toBe(built.get(format))
    expect(jobs).toHaveLength(3)
  }, 30_000)

  it('answers queryIfDormant with null for an awake book, or when the worker fails, without waking it for that', async () => {
    const awake = await open()
    awake.room.doc
    expect(await awake.books.queryIfDormant(BOOK, ALL)).toBeNull()
    const failing: BookQueryRunner = {
      run: () => Promise.reject(new BookQueryError('failed', 'no worker today')),
      mutate: () => Promise.reject(new BookQueryError('failed', 'no worker today')),
      close: () => Promise.resolve(),
    }
    const failed = await open({ runner: failing })
    expect(await failed.books.queryIfDormant(BOOK, ALL)).toBeNull()
    expect(failed.room.isDormant).toBe(true)
    expect(await failed.outcomes()).toEqual({ failed: 1 })
  }, 30_000)

  it('keeps a shared answer only for a while', async () => {
    const { books, jobs } = await open({ shareAnswersMs: 0 })
    await books.query(BOOK, ALL)
    await new Promise((resolve) => setTimeout(resolve, 20))
    await books.query(BOOK, ALL)
    expect(jobs).toEqual(['customers', 'customers'])
  }, 30_000)

  it('still answers when the worker fails, by waking the book, and does not share the failure', async () => {
    const failing: BookQueryRunner = {
      run: () => Promise.reject(new BookQueryError('failed', 'no worker today')),
      mutate: () => Promise.reject(new BookQueryError('failed', 'no worker today')),
      close: () => Promise.resolve(),
    }
    const { doc, books, room, jobs, outcomes } = await open({ runner: failing })
    expect(parseAnswer((await books.query(BOOK, ALL)).body)).toEqual({ customers: readCustomers(doc) })
    expect(room.isDormant).toBe(false)
    expect(await outcomes()).toEqual({ failed: 1 })
    expect(jobs).toEqual(['customers'])
  }, 30_000)

  it('reads an awake book, or a small dormant one, in place', async () => {
    const big = await open()
    big.room.doc // woken
    expect(parseAnswer((await big.books.query(BOOK, ALL)).body)).toEqual({ customers: readCustomers(big.doc) })
    expect(big.jobs).toEqual([])
    const small = await open({ small: true })
    expect(small.room.isDormant).toBe(true)
    expect(parseAnswer((await small.books.query(BOOK, ALL)).body)).toEqual({ customers: readCustomers(small.doc) })
    expect(small.jobs).toEqual([])
    expect(small.room.isDormant).toBe(false)
  }, 30_000)
})
