// Child process of compaction-stall.ts (measureDormantEditStall): one client edit to a big book
// that is dormant (held encoded, as after a quiet spell), in a room on a real SQLite file, while a
// 1 ms ticker records the longest the event loop went without running it. `wake`: the room has
// no snapshot encoder, so the edit decodes the book on the event loop (every book's way before the
// dormant tail, and still a relay's on one core). `tail`: the worker-thread encoder, so the edit
// joins the book's tail; the sweep after it has the worker fold the tail in, measured the same
// way. Then the book's customers are read as `GET /customers` reads them (BookService.query), the
// book dormant: `wake` decodes it on the event loop, `tail` reads it on the book query worker (the
// bundle's, as `npm start` runs it, as is the snapshot worker). Last, the API patches one customer
// as `PATCH /customers/:id` does (BookService.mutate), the book dormant again: `wake` decodes it on
// the event loop, `tail` makes the write on that worker. Prints one JSON line.
// Usage: dormant-edit-stall-main.ts <book state file> <wake|tail> <directory for the database> <directory of the server bundle>
import pino from 'pino'
import * as Y from 'yjs'
import { parseAnswer } from '../../../server/src/books/book-query'
import { createWorkerBookQueryRunner } from '../../../server/src/books/book-query-runner'
import { createBookService } from '../../../server/src/books/book-service'
import { DormantBookReads } from '../../../server/src/books/dormant-book-reads'
import { DormantBookWrites } from '../../../server/src/books/dormant-book-writes'
import { createMetrics } from '../../../server/src/metrics'
import { compactionPolicy } from '../../../server/src/relay/compaction-policy'
import { RoomRegistry } from '../../../server/src/relay/room-registry'
import { createWorkerSnapshotEncoder } from '../../../server/src/relay/snapshot-encoder'
import { bundledWorker, LoopGapTicker, PROBE_BOOK, storeProbeBook } from './stall-probe'

export interface DormantEditStall {
  /** Longest time between two runs of a 1 ms timer, from the edit until it is durable. */
  readonly longestGapMs: number
  /** From the edit until it is durable (what its ack waits for). */
  readonly editMs: number
  /** `tail` only: the fold at the next sweep, the same two measures; null for `wake`. */
  readonly foldGapMs: number | null
  readonly foldMs: number | null
  /**
   * Before the edit: a lagging client joins the dormant book (its state vector a tenth behind in
   * every client): the reply's time, first (its index rebuilt from the bytes stored beside the
   * snapshot: stall-probe.ts) and again; and Y.diffUpdate
   * over the same state for the same state vector, for reference (what the reply cost before).
   */
  readonly joinFirstMs: number
  readonly joinAgainMs: number
  readonly yjsDiffMs: number
  /** `tail` only: the first lagging client after the fold (its index came from the worker); null for `wake`. */
  readonly joinAfterFoldMs: number | null
  /** After the edit (and the fold), the book dormant: its customers read, the same two measures. */
  readonly readGapMs: number
  readonly readMs: number
  /** Then, the book dormant: one customer patched through the API, until durable; the same two measures. */
  readonly writeGapMs: number
  readonly writeMs: number
}

const [statePath, mode, dir, bundleDir] = process.argv.slice(2)
if (!statePath || (mode !== 'wake' && mode !== 'tail') || !dir || !bundleDir) {
  throw new Error('usage: dormant-edit-stall-main.ts <state file> <wake|tail> <dir> <directory of the server bundle>')
}

const probe = await storeProbeBook(statePath, dir, `dormant-${mode}.db`)
const metrics = createMetrics()
const registry = new RoomRegistry({
  store: probe.store,
  metrics,
  log: pino({ level: 'silent' }),
  unloadGraceMs: 0,
  compaction: compactionPolicy(1000),
  snapshotEncoder: mode === 'tail' ? createWorkerSnapshotEncoder({ workerUrl: bundledWorker(bundleDir, 'snapshot-encode-worker') }) : null,
  // Any size counts as big here (the smoke run's book is small); the relay's threshold is 1 MiB.
  offloadEncodeFromBytes: 0,
})
const lease = await registry.acquire(PROBE_BOOK)
const room = lease.room
if (!room.isDormant) throw new Error('expected the book stored as a snapshot to load dormant')

// A client that was away: a tenth of every client's structs behind.
const behind = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(probe.state))
for (const [client, clock] of behind) behind.set(client, Math.floor(clock * 0.9))
const lagging = Y.encodeStateVector(behind)
const time = (f: () => unknown): number => {
  const start = performance.now()
  f()
  return performance.now() - start
}
const joinFirstMs = time(() => room.syncReply(lagging))
const joinAgainMs = time(() => room.syncReply(lagging))
const yjsDiffMs = time(() => Y.diffUpdate(probe.state, lagging))

// A rep's edit: one field of one customer, as a device holding the book would send it.
const device = new Y.Doc()
Y.applyUpdate(device, probe.state)
const sent: Uint8Array[] = []
device.on('update', (u: Uint8Array) => sent.push(u))
const customers = device.getMap('customers') as Y.Map<Y.Map<unknown>>
customers.get([...customers.keys()][0]!)!.set('phone', '+49 30 1234567')

const ticker = new LoopGapTicker()
const edit = await ticker.measure(async () => {
  room.applyRemote(sent[0]!, 'bench', { deliver: () => {} })
  if (room.isDormant !== (mode === 'tail')) throw new Error(`expected the book ${mode === 'tail' ? 'to stay dormant' : 'to wake'}`)
  await room.flush()
})
const fold =
  mode === 'tail'
    ? await ticker.measure(async () => {
        registry.hibernateIdle() // the edit came since the last sweep: not yet
        registry.hibernateIdle() // a sweep without edits: folded
        await room.whenFolded()
        if ((await metrics.dormantFolds.get()).values[0]?.value !== 1) throw new Error('expected the sweep to fold the tail')
      })
    : null
const joinAfterFoldMs = mode === 'tail' ? time(() => room.syncReply(lagging)) : null

// The API reads the dormant book's customers: woken here, or read on the worker.
if (mode === 'wake') {
  registry.hibernateIdle() // the edit used it
  registry.hibernateIdle() // unused since: encoded on the event loop (not measured), dormant again
}
if (!room.isDormant) throw new Error('expected the book dormant before the read')
const runner = mode === 'tail' ? createWorkerBookQueryRunner({ workerUrl: bundledWorker(bundleDir, 'book-query-worker') }) : null
const books = createBookService({
  registry,
  directory: null as never, // reads need no directory
  dormantReads: runner ? new DormantBookReads({ runner, metrics, log: pino({ level: 'silent' }) }) : null,
  dormantWrites: runner ? new DormantBookWrites({ runner, metrics, log: pino({ level: 'silent' }) }) : null,
})
let answer = new Uint8Array()
const read = await ticker.measure(async () => {
  // As the route: the answer comes serialized and goes out as it is (parsed below, not measured).
  answer = (await books.query(PROBE_BOOK, { kind: 'customers', includeArchived: false })).body
})
const listed = parseAnswer(answer).customers?.length ?? 0
if (listed === 0 || room.isDormant !== (mode === 'tail')) throw new Error(`expected the read to list customers and ${mode === 'tail' ? 'keep the book dormant' : 'wake the book'}`)

// The API patches one customer: woken here (dormant again first), or written on the worker.
if (mode === 'wake') {
  registry.hibernateIdle()
  registry.hibernateIdle()
}
if (!room.isDormant) throw new Error('expected the book dormant before the write')
const target = [...customers.keys()][1]!
const write = await ticker.measure(async () => {
  const outcome = await books.mutate(PROBE_BOOK, 'bench', { kind: 'patch-customer', id: target, body: { industry: 'Bench' }, defaultRegion: 'DE' })
  if (outcome.kind !== 'written') throw new Error(`expected the patch written, got ${outcome.kind}`)
})
if (room.isDormant !== (mode === 'tail')) throw new Error(`expected the write to ${mode === 'tail' ? 'keep the book dormant' : 'wake the book'}`)
await runner?.close()
ticker.stop()
const result: DormantEditStall = {
  longestGapMs: edit.gapMs, editMs: edit.ms, foldGapMs: fold?.gapMs ?? null, foldMs: fold?.ms ?? null, joinFirstMs, joinAgainMs, yjsDiffMs, joinAfterFoldMs,
  readGapMs: read.gapMs, readMs: read.ms, writeGapMs: write.gapMs, writeMs: write.ms,
}
lease.release()
await registry.close()
await probe.close()
console.log(JSON.stringify(result))
