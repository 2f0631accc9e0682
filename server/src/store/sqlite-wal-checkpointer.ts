// Checkpoints of a WAL database on a worker thread instead of inside a commit on the event loop.
//
// In WAL mode SQLite copies the log back into the database file once it passes
// `wal_autocheckpoint` pages (1,000 by default), inside whichever commit crossed the line: writes
// of the pages and two fsyncs, 5-13 ms on the event loop roughly once a second at 15,000 appends/s,
// which is where the relay's acknowledgement latency had its spikes. Here a worker thread with its
// own connection runs PASSIVE checkpoints (they never block a writer) after writes, at most every
// `minIntervalMs`. The writer's own automatic checkpoint stays as the backstop, at
// `fallbackPages`: if the worker falls behind or a write keeps arriving before it has caught up,
// that commit finishes the (by then small) copy itself, so the WAL stays bounded. A worker that
// fails hands checkpointing back to the connection (SQLite's default threshold) and reports it.
import { Worker } from 'node:worker_threads'
import type { SqliteDatabase } from './sqlite-database'
import { StoreError } from './store-error'

export interface WalCheckpointer {
  /** Tells the worker the WAL has grown; cheap, and throttled to one message per `minIntervalMs`. */
  afterWrite(): void
  /** Stops the worker (after a checkpoint in flight) and returns checkpointing to the connection. */
  close(): Promise<void>
}

export interface CheckpointRun {
  /** PASSIVE checkpoints run for this request. */
  readonly rounds: number
  /** Frames in the WAL and frames copied to the database file, as the last round reported. */
  readonly frames: number
  readonly checkpointed: number
}

export interface WalCheckpointerOptions {
  /** The connection's own `wal_autocheckpoint` while the worker runs (pages). */
  readonly fallbackPages?: number
  /** At most one request to the worker per this many ms. */
  readonly minIntervalMs?: number
  /** Rounds of PASSIVE checkpoints per request while writes keep adding frames. */
  readonly maxRounds?: number
  /** Each completed request (tests and metrics observe it). */
  readonly onCheckpoint?: (run: CheckpointRun) => void
  /** The worker failed; the connection checkpoints by itself from now on. */
  readonly onError?: (error: StoreError) => void
}

const DEFAULTS = {
  fallbackPages: 4_000,
  minIntervalMs: 100,
  maxRounds: 8,
} as const

/** SQLite's default `wal_autocheckpoint`, restored when the worker stops. */
const SQLITE_DEFAULT_PAGES = 1_000

/** A checkpointer for `db`, or null for a database without a WAL file (in memory or temporary). */
export function startWalCheckpointer(db: SqliteDatabase, opts: WalCheckpointerOptions = {}): WalCheckpointer | null {
  if (db.memory || db.name === '') return null
  if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null
  const o = { ...DEFAULTS, ...opts }

  const worker = new Worker(new URL('./sqlite-wal-checkpoint-worker.mjs', import.meta.url), {
    workerData: { path: db.name, maxRounds: o.maxRounds },
    // Only tsx's loader would be inherited, and the worker is plain JavaScript.
    execArgv: [],
  })
  worker.unref() // never what keeps a process alive
  db.pragma(`wal_autocheckpoint = ${o.fallbackPages}`)

  let running = true
  let ready = false
  let inFlight = false
  let lastSent = Number.NEGATIVE_INFINITY
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))

  const handBack = () => {
    if (!running) return
    running = false
    if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`)
  }

  worker.on('message', (message: { type: 'ready' } | ({ type: 'done' } & CheckpointRun)) => {
    if (message.type === 'ready') {
      ready = true
      return
    }
    inFlight = false
    const { rounds, frames, checkpointed } = message
    o.onCheckpoint?.({ rounds, frames, checkpointed })
  })
  worker.on('error', (cause) => {
    handBack()
    o.onError?.(new StoreError('io', `the WAL checkpoint worker for ${db.name} failed`, { cause }))
  })
  worker.on('exit', handBack)

  return {
    afterWrite() {
      if (!running || !ready || inFlight) return
      const now = performance.now()
      if (now - lastSent < o.minIntervalMs) return
      lastSent = now
      inFlight = true
      worker.postMessage('wrote')
    },
    async close() {
      if (running) {
        handBack()
        worker.postMessage('close')
      }
      await exited
    },
  }
}
