// Test fixture for the API's reads of and writes to a big dormant book (dormant-book-reads.test.ts,
// dormant-book-writes.test.ts): a book stored as a snapshot, loaded dormant in a registry with the
// worker runner (its jobs counted, or replaced), and the BookService over it.
import pino from 'pino'
import { afterEach } from 'vitest'
import * as Y from 'yjs'
import { createCustomer, initBook } from '@crm-sync/model'
import { createMetrics } from '../metrics'
import { compactionPolicy } from '../relay/compaction-policy'
import type { RoomPeer } from '../relay/room'
import { RoomRegistry } from '../relay/room-registry'
import { createWorkerSnapshotEncoder } from '../relay/snapshot-encoder'
import type { DocStore } from '../store/doc-store'
import { createMemoryDocStore } from '../store/memory-doc-store'
import { createBookService } from '../books/book-service'
import { createWorkerBookQueryRunner, type BookQueryRunner } from '../books/book-query-runner'
import { DormantBookReads } from '../books/dormant-book-reads'
import { DormantBookWrites } from '../books/dormant-book-writes'

export const BOOK = 'big-book'
const silent = pino({ level: 'silent' })
const peer: RoomPeer = { deliver: () => {} }
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

/** A book stored as a snapshot: 20 KB of notes make it big (past the 10 KB set here) unless `small`. */
export const storedBook = async (o: { small?: boolean } = {}) => {
  const doc = new Y.Doc()
  initBook(doc, { name: 'Big' })
  const ids = [
    createCustomer(doc, { name: 'Noted Ltd', notes: o.small ? 'short' : 'n'.repeat(20_000) }, { by: 'alice' }),
    createCustomer(doc, { name: 'Second GmbH', address: { country: 'DE' } }, { by: 'alice' }),
  ]
  const store = createMemoryDocStore()
  const [stored] = await store.append(BOOK, [{ update: Y.encodeStateAsUpdate(doc), userId: 'alice' }])
  await store.compact(BOOK, Y.encodeStateAsUpdate(doc), stored!.seq)
  return { doc, ids, store }
}

export interface DormantBookOptions {
  readonly small?: boolean
  /** Replaces the worker runner. */
  readonly runner?: BookQueryRunner
  readonly shareAnswersMs?: number
}

/**
 * The server's parts on that book: `jobs` lists each worker job by its kind; `doc` follows every
 * edit a client sends through `edit`; `store` is the room's store.
 */
export const openDormantBook = async (o: DormantBookOptions = {}) => {
  const { doc, ids, store } = await storedBook(o)
  const metrics = createMetrics()
  const registry = new RoomRegistry({
    store, metrics, log: silent, unloadGraceMs: 0,
    compaction: compactionPolicy(100_000, 0), snapshotEncoder: createWorkerSnapshotEncoder(), offloadEncodeFromBytes: 10_000,
  })
  const real = o.runner ?? createWorkerBookQueryRunner()
  const jobs: string[] = []
  const runner: BookQueryRunner = {
    run: (bytes, query) => {
      jobs.push(query.kind)
      return real.run(bytes, query)
    },
    mutate: (bytes, mutation, userId) => {
      jobs.push(mutation.kind)
      return real.mutate(bytes, mutation, userId)
    },
    close: () => real.close(),
  }
  const reads = new DormantBookReads({ runner, metrics, log: silent, ...(o.shareAnswersMs !== undefined ? { shareAnswersMs: o.shareAnswersMs } : {}) })
  const writes = new DormantBookWrites({ runner, metrics, log: silent })
  const books = createBookService({ registry, directory: null as never, dormantReads: reads, dormantWrites: writes })
  const lease = await registry.acquire(BOOK)
  closers.push(async () => {
    lease.release()
    await registry.close()
    await real.close()
  })
  const outcomes = async (metric: 'dormantReads' | 'dormantWrites' = 'dormantReads') =>
    Object.fromEntries((await metrics[metric].get()).values.map((v) => [v.labels.outcome, v.value]))
  /** An edit from a client's device (a copy of `doc`, which follows every edit), sent to the room as an update. */
  const edit = (change: (device: Y.Doc) => void) => {
    const device = new Y.Doc()
    Y.applyUpdate(device, Y.encodeStateAsUpdate(doc))
    const before = Y.encodeStateVector(device)
    change(device)
    const update = Y.encodeStateAsUpdate(device, before)
    Y.applyUpdate(doc, update)
    registry.peek(BOOK)!.applyRemote(update, 'bob', peer)
  }
  return { doc, ids, books, room: lease.room, jobs, metrics, outcomes, edit, store: store as DocStore }
}
