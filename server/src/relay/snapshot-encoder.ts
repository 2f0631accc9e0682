// Encoding a big book's snapshot off the event loop. Y.encodeStateAsUpdate of an awake book runs
// on the event loop and stops every other book of the process meanwhile: 0.3–0.6 s for the
// 10,000-customer bench book (16 MiB). A room whose book is big enough hands the compaction to a
// worker thread instead, which rebuilds the book from what the store holds (the snapshot and the
// log entries up to the compaction's seq, all of them applied here already) and encodes that.
// It costs more CPU than encoding the live document (the rebuild: ≈3× the encode) and, for the
// time of one job, a second decoded copy of the book, but on another core: so it is only used
// where the process has one (see `snapshotEncoderFor`).
//
// One job at a time, each in a fresh worker: the rebuilt copy's heap goes back whole when the
// worker exits, and a big book compacts seldom (the log must reach a tenth of its snapshot).
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

export interface SnapshotEncoder {
  /** `base` (a stored snapshot, or none) with `updates` applied, as Y.encodeStateAsUpdate writes it. */
  encode(base: Uint8Array | null, updates: readonly Uint8Array[]): Promise<Uint8Array>
  /** Waits for the job in progress; later calls to `encode` reject with SnapshotEncodeError 'closed'. */
  close(): Promise<void>
}

export class SnapshotEncodeError extends Error {
  override readonly name = 'SnapshotEncodeError'
  constructor(
    readonly code: 'closed' | 'failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Books whose snapshot and log together reach this many bytes are encoded off the event loop. */
export const OFFLOAD_ENCODE_FROM_BYTES = 1 << 20

/** A worker-thread encoder where this process may run on more than one core; null where it may not. */
export function snapshotEncoderFor(cores = availableParallelism()): SnapshotEncoder | null {
  return cores > 1 ? createWorkerSnapshotEncoder() : null
}

export function createWorkerSnapshotEncoder(): SnapshotEncoder {
  let queue: Promise<unknown> = Promise.resolve()
  let closed = false
  return {
    encode(base, updates) {
      if (closed) return Promise.reject(new SnapshotEncodeError('closed', 'the snapshot encoder is closed'))
      const job = queue.then(() => runJob(base, updates))
      queue = job.catch(() => undefined)
      return job
    },
    async close() {
      closed = true
      await queue
    },
  }
}

function runJob(base: Uint8Array | null, updates: readonly Uint8Array[]): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./snapshot-encode-worker.mjs', import.meta.url), {
      workerData: { base, updates },
      // Only tsx's loader would be inherited, and the worker is plain JavaScript.
      execArgv: [],
    })
    worker.unref() // never what keeps a process alive
    let result: Uint8Array | null = null
    worker.once('message', (state: Uint8Array) => {
      result = state
    })
    worker.once('error', (cause) => reject(new SnapshotEncodeError('failed', 'encoding a snapshot on a worker thread failed', { cause })))
    worker.once('exit', (code) => {
      if (result) resolve(result)
      else reject(new SnapshotEncodeError('failed', `the snapshot worker exited (code ${code}) without a result`))
    })
  })
}
