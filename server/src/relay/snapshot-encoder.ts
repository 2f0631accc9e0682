// Encoding a big book's snapshot off the event loop. Y.encodeStateAsUpdate of an awake book runs
// on the event loop and stops every other book of the process meanwhile: 0.15–0.6 s for the
// 10,000-customer bench book (16 MiB), depending on the host. A room whose book is big enough hands
// the compaction to a worker thread instead, which rebuilds the book from what the store holds (the
// snapshot and the log entries up to the compaction's seq, all of them applied here already) and
// encodes that. The rebuild decodes the whole book, so a job costs several times the CPU of
// encoding the live document (1.3–1.8 s against 0.25 s for the bench book on one host) and, for its
// length, a second decoded copy of the book, but on another core: so it is only used where the
// process has one (see `snapshotEncoderFor`).
//
// One job at a time, each in a fresh worker: the rebuilt copy's heap goes back whole when the
// worker exits, and a big book compacts seldom (the log must reach a tenth of its snapshot). A job
// reads its book from the store only when its turn comes, so books waiting hold nothing.
import { availableParallelism } from 'node:os'
import type { UpdateIndexParts } from '@crm-sync/protocol'
import { INDEX_FROM_BYTES } from './encoded-state'
import { ownsBuffer, runWorkerJob, serialJobs, WorkerJobError } from './worker-job'

/** What a job encodes: a stored snapshot (or none) and the log entries after it, in seq order. */
export interface SnapshotSource {
  readonly base: Uint8Array | null
  readonly updates: readonly Uint8Array[]
}

/** A job's result: the whole state as Y.encodeStateAsUpdate writes it, and its state vector. */
export interface EncodedSnapshot {
  readonly state: Uint8Array
  readonly stateVector: Uint8Array
  /** Updates Yjs threw on (each kept what it integrated; the others applied). */
  readonly unappliable: number
  /**
   * Bytes free before `state` in its buffer (STATE_HEAD_ROOM), for a frame's head. The buffer is
   * shared memory: the worker allocated it, so the relay's event loop pays for neither the
   * allocation nor a copy when it keeps the state, or hands it to a later job.
   */
  readonly headRoom: number
  /** For a state of INDEX_FROM_BYTES or more, its index (UpdateIndex.parts), walked by the worker; else null. */
  readonly index: UpdateIndexParts | null
}

/** Room the worker leaves before the state for sync step 2's head (EncodedState writes it there). */
export const STATE_HEAD_ROOM = 16

export interface SnapshotEncoder {
  /**
   * Calls `source` when this job's turn comes, then encodes `base` with `updates` applied (and
   * the state vector of that). A source that returns null cancels the job (resolves null); one
   * that throws rejects it. `base` is handed to the worker, not copied, when it owns its whole
   * buffer: the caller must not use it afterwards.
   */
  encode(source: () => Promise<SnapshotSource | null>): Promise<EncodedSnapshot | null>
  /** Waits for the jobs already asked for; later calls to `encode` reject with SnapshotEncodeError 'closed'. */
  close(): Promise<void>
}

export class SnapshotEncodeError extends WorkerJobError {
  override readonly name = 'SnapshotEncodeError'
}

/** Books whose snapshot and log together reach this many bytes are encoded off the event loop. */
export const OFFLOAD_ENCODE_FROM_BYTES = 1 << 20

/** A worker-thread encoder where this process may run on more than one core; null where it may not. */
export function snapshotEncoderFor(cores = availableParallelism()): SnapshotEncoder | null {
  return cores > 1 ? createWorkerSnapshotEncoder() : null
}

export interface SnapshotEncoderOptions {
  /** The worker's module; by default snapshot-encode-worker.mjs beside this code (the bench passes the bundle's). */
  readonly workerUrl?: URL
}

export function createWorkerSnapshotEncoder(o: SnapshotEncoderOptions = {}): SnapshotEncoder {
  const jobs = serialJobs(() => new SnapshotEncodeError('closed', 'the snapshot encoder is closed'))
  const url = o.workerUrl ?? new URL('./snapshot-encode-worker.mjs', import.meta.url)
  return {
    encode: (source) =>
      jobs.run(async () => {
        const input = await source()
        return input ? runJob(url, input) : null
      }),
    close: () => jobs.close(),
  }
}

function runJob(url: URL, { base, updates }: SnapshotSource): Promise<EncodedSnapshot> {
  return runWorkerJob<EncodedSnapshot>({
    url,
    workerData: { base, updates, headRoom: STATE_HEAD_ROOM, indexFromBytes: INDEX_FROM_BYTES },
    // The stored snapshot's buffer goes to the worker without a 16 MiB copy when it owns all of it.
    transfer: base && ownsBuffer(base) ? [base.buffer as ArrayBuffer] : [],
    failed: (message, cause) => new SnapshotEncodeError('failed', `encoding a snapshot: ${message}`, { cause }),
  })
}
