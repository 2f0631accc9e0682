// Checkpoints of a WAL database on a worker thread instead of inside a commit on the event loop.
//
// In WAL mode SQLite copies the log back into the database file once it passes
// `wal_autocheckpoint` pages (1,000 by default), inside whichever commit crossed the line: writes
// of the pages and two fsyncs, 5-13 ms of one commit on the event loop roughly once a second at
// relay write rates (measured alone; 0.5 ms without). Here a worker thread with its own connection
// runs PASSIVE checkpoints (they never block a writer) after writes, at most every
// `minIntervalMs`; one worker per database file, shared by this process's connections to it. Each
// connection's own automatic checkpoint stays as the backstop, at `fallbackPages`: if the worker
// falls behind or writes keep arriving before it has caught up, that commit finishes the (by then
// small) copy itself, so the WAL stays bounded. A worker that fails hands checkpointing back to the
// connections (SQLite's default threshold) and reports it.
import { Worker } from 'node:worker_threads'
import type { SqliteDatabase } from './sqlite-database'
import { StoreError } from './store-error'

export interface WalCheckpointer {
  /** Tells the worker the WAL has grown; cheap, and throttled to one message per `minIntervalMs`. */
  afterWrite(): void
  /**
   * Raises the own checkpoint threshold of every connection of this process to the file by `pages`:
   * a write of many commits in a row (a big snapshot in parts) outruns the worker, and whichever
   * connection's commit crossed the usual threshold (the WAL is the file's, not the connection's)
   * would copy the whole WAL itself, on the event loop. The returned function gives the room back
   * once the worker has checkpointed after it was called (it is asked to).
   */
  roomFor(pages: number): () => void
  /** Returns checkpointing to the connection; the file's last user also stops the worker. */
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
} satisfies WalCheckpointerOptions

/** SQLite's default `wal_autocheckpoint`, restored when a connection stops using the worker. */
const SQLITE_DEFAULT_PAGES = 1_000

/** A connection using the shared worker of its file. */
interface Handle {
  readonly db: SqliteDatabase
  readonly o: typeof DEFAULTS & WalCheckpointerOptions
  active: boolean
}

/**
 * One worker per database file, however many connections of this process write to it (the relay's
 * store and the bridge's state store share crm-sync.db): a checkpoint covers the whole WAL, so a
 * second worker would only cost another thread and V8 isolate (≈10 MiB).
 */
class FileWorker {
  private readonly worker: Worker
  readonly handles = new Set<Handle>()
  private ready = false
  private inFlight = false
  private lastSent = Number.NEGATIVE_INFINITY
  private failed = false
  /** Pages granted by roomFor and not yet given back; of those, pages to give back after the next checkpoint. */
  private room = 0
  private returning = 0
  readonly exited: Promise<void>

  constructor(private readonly path: string) {
    this.worker = new Worker(new URL('./sqlite-wal-checkpoint-worker.mjs', import.meta.url), {
      workerData: { path },
      // Only tsx's loader would be inherited, and the worker is plain JavaScript.
      execArgv: [],
    })
    this.worker.unref() // never what keeps a process alive
    this.exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()))
    this.worker.on('message', (message: { type: 'ready' } | ({ type: 'done' } & CheckpointRun)) => {
      if (message.type === 'ready') {
        this.ready = true
        return
      }
      this.inFlight = false
      const run: CheckpointRun = { rounds: message.rounds, frames: message.frames, checkpointed: message.checkpointed }
      if (this.returning > 0) {
        this.room -= this.returning
        this.returning = 0
        this.applyThresholds()
      }
      for (const h of this.handles) h.o.onCheckpoint?.(run)
    })
    this.worker.on('error', (cause) => {
      const error = new StoreError('io', `the WAL checkpoint worker for ${path} failed`, { cause })
      for (const h of this.handles) h.o.onError?.(error)
      this.stop()
    })
    this.worker.on('exit', () => this.stop())
  }

  get usable(): boolean {
    return !this.failed
  }

  /** Asks for a checkpoint unless one is running or was asked for less than `minIntervalMs` ago; returns whether it asked. */
  request(h: Handle): boolean {
    if (!this.ready || this.inFlight || this.failed) return false
    const now = performance.now()
    if (now - this.lastSent < h.o.minIntervalMs) return false
    this.lastSent = now
    this.inFlight = true
    this.worker.postMessage({ maxRounds: h.o.maxRounds })
    return true
  }

  /** A checkpoint soon: now, after the one running, or once `minIntervalMs` has passed. */
  requestSoon(h: Handle): void {
    if (!h.active || this.request(h) || this.failed) return
    setTimeout(() => this.requestSoon(h), h.o.minIntervalMs).unref()
  }

  /** Sets every active connection's threshold to its fallback plus the room granted. */
  applyThresholds(): void {
    for (const h of this.handles) if (h.active && h.db.open) h.db.pragma(`wal_autocheckpoint = ${h.o.fallbackPages + this.room}`)
  }

  /** See WalCheckpointer.roomFor. */
  roomFor(h: Handle, pages: number): () => void {
    if (this.failed) return () => {}
    this.room += pages
    this.applyThresholds()
    let given = false
    return () => {
      if (given || this.failed) return
      given = true
      this.returning += pages
      this.requestSoon(h)
    }
  }

  /** A connection is done with the worker; the last one stops it. */
  async release(h: Handle): Promise<void> {
    handBack(h)
    this.handles.delete(h)
    if (this.handles.size > 0) return
    if (workers.get(this.path) === this) workers.delete(this.path)
    if (!this.failed) this.worker.postMessage('close')
    // Waited for, so it holds the process until it has exited: unref'd, a process with nothing
    // else to do (a failed start-up, a shutdown) would end here, before the store's own connection closes.
    this.worker.ref()
    await this.exited
  }

  /** The worker failed or exited: every connection checkpoints by itself again. */
  private stop(): void {
    this.failed = true
    if (workers.get(this.path) === this) workers.delete(this.path)
    for (const h of this.handles) handBack(h)
  }
}

const workers = new Map<string, FileWorker>()

const handBack = (h: Handle): void => {
  if (!h.active) return
  h.active = false
  if (h.db.open) h.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`)
}

/** A checkpointer for `db`, or null for a database without a WAL file (in memory or temporary). */
export function startWalCheckpointer(db: SqliteDatabase, opts: WalCheckpointerOptions = {}): WalCheckpointer | null {
  if (db.memory || db.name === '') return null
  if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return null
  const h: Handle = { db, o: { ...DEFAULTS, ...opts }, active: true }
  let file = workers.get(db.name)
  if (!file?.usable) {
    file = new FileWorker(db.name)
    workers.set(db.name, file)
  }
  file.handles.add(h)
  file.applyThresholds()
  let closing: Promise<void> | null = null
  return {
    afterWrite() {
      if (h.active) file.request(h)
    },
    roomFor(pages) {
      // A connection handed back (the worker stopped) keeps SQLite's default.
      return h.active ? file.roomFor(h, pages) : () => {}
    },
    close() {
      return (closing ??= file.release(h))
    },
  }
}
