// Child process of compaction-stall.ts: one compaction of an awake book in a room on a real
// SQLite file, encoded on the event loop or by the worker-thread snapshot encoder, while a 1 ms
// ticker records the longest the event loop went without running it. Prints one JSON line.
// The worker is the server bundle's, as `npm start` runs it.
// Usage: compaction-stall-main.ts <book state file> <loop|worker> <directory for the database> <directory of the server bundle>
import pino from 'pino'
import { createMetrics } from '../../../server/src/metrics'
import { compactionPolicy } from '../../../server/src/relay/compaction-policy'
import { RoomRegistry } from '../../../server/src/relay/room-registry'
import { createWorkerSnapshotEncoder, type SnapshotEncoder } from '../../../server/src/relay/snapshot-encoder'
import { bundledWorker, LoopGapTicker, PROBE_BOOK, storeProbeBook } from './stall-probe'

export interface CompactionStall {
  /** Longest time between two runs of a 1 ms timer, from the first edit until the snapshot is stored. */
  readonly longestGapMs: number
  /** From the edit that makes the compaction due until the snapshot is stored. */
  readonly compactionMs: number
  readonly snapshotBytes: number
}

const EDITS = 10

/** Jobs the worker encoded: the room falls back to its event loop, silently here, if one fails. */
let workerJobs = 0
const counted = (inner: SnapshotEncoder): SnapshotEncoder => ({
  encode: async (source) => {
    const encoded = await inner.encode(source)
    if (encoded) workerJobs++
    return encoded
  },
  close: () => inner.close(),
})

const [statePath, mode, dir, bundleDir] = process.argv.slice(2)
if (!statePath || (mode !== 'loop' && mode !== 'worker') || !dir || !bundleDir) {
  throw new Error('usage: compaction-stall-main.ts <state file> <loop|worker> <dir> <directory of the server bundle>')
}

const probe = await storeProbeBook(statePath, dir, `stall-${mode}.db`)
const store = probe.store
const registry = new RoomRegistry({
  store,
  metrics: createMetrics(),
  log: pino({ level: 'silent' }),
  unloadGraceMs: 0,
  // Due after EDITS entries, whatever their bytes; every book size goes to the worker in its mode.
  compaction: compactionPolicy(EDITS, 0),
  snapshotEncoder: mode === 'worker' ? counted(createWorkerSnapshotEncoder({ workerUrl: bundledWorker(bundleDir, 'snapshot-encode-worker') })) : null,
  offloadEncodeFromBytes: 0,
})
const lease = await registry.acquire(PROBE_BOOK)
void lease.room.doc // awake, as while reps edit it
for (let i = 0; i < EDITS - 1; i++) await lease.room.change('bench', (doc) => doc.getMap('bench').set(`k${i}`, i))
await lease.room.flush()

const ticker = new LoopGapTicker()
const { gapMs: longestGapMs, ms: compactionMs } = await ticker.measure(async () => {
  await lease.room.change('bench', (doc) => doc.getMap('bench').set('due', true))
  await lease.room.flush()
})
ticker.stop()
const stored = await store.load(PROBE_BOOK)
if (mode === 'worker' && workerJobs !== 1) throw new Error(`expected the worker to encode the snapshot, it encoded ${workerJobs}`)
if (stored.snapshotSeq !== EDITS + 1) throw new Error(`expected a snapshot through seq ${EDITS + 1}, found ${stored.snapshotSeq}`)
const result: CompactionStall = { longestGapMs, compactionMs, snapshotBytes: stored.snapshot!.length }
lease.release()
await registry.close()
await probe.close()
console.log(JSON.stringify(result))
