// Keeps one book's document on the device: loads it before anything else, then writes every
// update (local and remote) to the LocalStore in batches, about one transaction and one merged row
// per `batchMs` instead of one per keystroke, reports "saved on this device" only once a
// transaction completed, and folds the rows into one snapshot past a threshold (under a Web Lock,
// see web-lock.ts). The projection of the customers goes with the batches: every batch marks the
// customers it changes stale, and at most every `projectionMs` (when idle) one rewrites them.
import * as Y from 'yjs'
import { applyKnownUpdates } from './apply-known-updates'
import { batchRows } from './batch-rows'
import type { LocalBookState, LocalStore, ProjectionChange, StoredProjection } from './local-store'
import { whenIdle } from './main-thread'
import type { ProjectionTracker } from './projection-tracker'
import { SyncClientError } from './sync-client-error'
import { unrefTimer } from './unref-timer'
import { runIfLockFree, type LockManagerLike } from './web-lock'

/** Transaction origin of updates applied from the LocalStore: never written back. */
export const LOAD_ORIGIN = Symbol('crm-sync:local-load')

export interface BookPersistenceOptions {
  readonly store: LocalStore
  readonly bookId: string
  readonly doc: Y.Doc
  readonly batchMs: number
  /** Compact once the book has this many rows... */
  readonly compactAfterRows: number
  /**
   * ...and the rows written since the last fold add up to this share of the snapshot's bytes.
   * Folding costs time in proportion to the whole book (1 s and more for 10,000 customers), so
   * a large book folds rarely and a small one often: the cost per byte written stays bounded.
   */
  readonly compactBytesRatio: number
  /** ...or, whatever the bytes, once it has this many rows: each row costs a decode on every open. */
  readonly compactMaxRows: number
  readonly locks: LockManagerLike | null
  /** Whether every update so far is in a completed transaction. */
  readonly onSaved: (saved: boolean) => void
  /** A write or compaction failed (null: writes work again). Failed writes are retried. */
  readonly onError: (error: SyncClientError | null) => void
  /** Still pending? Markers of ids acknowledged before their batch was written are not written. */
  readonly isPending: (id: string) => boolean
  /** The changed customers, for the projection; null: this book keeps no projection. */
  readonly projection: ProjectionTracker | null
  /** Customers changed are rewritten in the projection at most this often (and on flush). */
  readonly projectionMs: number
}

const RETRY_MS = 1000
/** close() writes what is left at most this many times while writes fail (RETRY_MS apart). */
const CLOSE_ATTEMPTS = 3

/** A batch whose transaction has not completed yet. */
interface BatchInFlight {
  readonly rows: readonly Uint8Array[]
  readonly pending: readonly string[]
  readonly projection: ProjectionChange | null
}

const changedIds = (change: ProjectionChange | null): string[] =>
  change ? [...change.put.map((c) => c.id), ...change.remove, ...change.stale] : []

/** Folds rows into one update by replaying them into a scratch document (not Y.mergeUpdates: yjs#687). */
export const foldUpdates = (updates: readonly Uint8Array[]): Uint8Array => {
  const doc = new Y.Doc()
  try {
    doc.transact(() => {
      for (const u of updates) Y.applyUpdate(doc, u)
    })
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}

export class BookPersistence {
  private queue: Uint8Array[] = []
  /** Pending ids of the local updates in `queue`. */
  private queuedPending: string[] = []
  private acked: string[] = []
  private lastSyncedAt: number | undefined
  private unsaved = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private chain: Promise<void> = Promise.resolve()
  private compacting = false
  private closed = false
  /** Size of the largest stored row (the snapshot, after a fold) and of what was written since. */
  private snapshotBytes = 0
  private bytesSinceFold = 0
  private savedWaiters: (() => void)[] = []
  /** The last failed write's error (what flush rejects with when one of its own writes failed). */
  private lastFailure: unknown = null
  /** saveNow's writes not finished yet: a later flush (or close) waits for them too. */
  private readonly savesInFlight = new Set<Promise<boolean>>()
  /** Regular batches being written (their transactions wait for reads of the projection). */
  private readonly inFlight = new Set<BatchInFlight>()
  /** The next batch rewrites the changed customers in the projection. */
  private projectionDue = false
  private projectionTimer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly o: BookPersistenceOptions) {}

  /** The stored projection, or null when there is none or it cannot be read (reported). */
  async readProjection(): Promise<StoredProjection | null> {
    try {
      return await this.o.store.readProjection(this.o.bookId)
    } catch (e) {
      // Not fatal: the book loads from its updates and the projection is rebuilt from them.
      this.o.onError(toStoreError(e, 'projection read'))
      return null
    }
  }

  /** Reads the stored updates (apply them with `apply`). */
  read(): Promise<LocalBookState> {
    return this.o.store.load(this.o.bookId)
  }

  /** Applies the stored state to the document (listeners get the stored rows, not a re-encoding). */
  apply(state: LocalBookState): void {
    applyKnownUpdates(this.o.doc, state.updates, LOAD_ORIGIN)
    for (const u of state.updates) {
      if (u.byteLength > this.snapshotBytes) this.snapshotBytes = u.byteLength
      this.bytesSinceFold += u.byteLength
    }
    this.bytesSinceFold -= this.snapshotBytes
  }

  get savedLocally(): boolean {
    return this.unsaved === 0
  }

  /** Queues an update for the next batch; local updates carry their pending id. */
  enqueue(update: Uint8Array, pendingId?: string): void {
    if (this.closed) return
    this.queue.push(update)
    if (pendingId !== undefined) this.queuedPending.push(pendingId)
    if (this.unsaved++ === 0) this.o.onSaved(false)
    this.schedule()
  }

  /** Records acknowledged pending ids and the sync time; written with the next batch. */
  acknowledge(ids: readonly string[], at: number): void {
    if (this.closed) return
    this.acked.push(...ids)
    this.lastSyncedAt = at
    this.schedule()
  }

  /** Resolves once every update queued so far is in a completed transaction. */
  whenSaved(): Promise<void> {
    if (this.unsaved === 0) return Promise.resolve()
    return new Promise((resolve) => this.savedWaiters.push(resolve))
  }

  /**
   * A customer changed: the projection is rewritten within `projectionMs`, when the main thread
   * is idle, rather than with every batch (which only marks it stale, cheaply).
   */
  projectionChanged(): void {
    if (this.projectionTimer || this.closed) return
    this.projectionTimer = setTimeout(() => {
      whenIdle(() => {
        this.projectionTimer = null
        if (this.closed) return
        this.projectionDue = true
        void this.enqueueWrite()
      }, this.o.projectionMs)
    }, this.o.projectionMs)
    unrefTimer(this.projectionTimer)
  }

  /**
   * Writes what is queued now, the projection's changes included, and waits for it. The updates
   * are in a transaction committed before this returns (see `saveNow`), so calling it when the
   * page is hidden keeps them even if the page is unloaded next; the projection follows.
   * Rejects (SyncClientError 'local-store-failed') when one of these writes failed: what it held
   * is queued again and retried every RETRY_MS.
   */
  async flush(): Promise<void> {
    this.clearTimer()
    // An earlier flush's write still running is part of "what is queued now": if it fails, its
    // updates are queued again and this flush says so (close then writes them on its next try).
    const earlier = [...this.savesInFlight]
    const saving = this.saveNow()
    this.projectionDue = true
    // Its own writes only: a regular batch that was in flight and failed meanwhile is in saveNow's.
    const written = await Promise.all([saving, this.enqueueWrite(), ...earlier])
    if (written.includes(false)) throw toStoreError(this.lastFailure, 'write')
  }

  /**
   * Flushes, trying again CLOSE_ATTEMPTS times in all while writes fail, then stops. Rejects when
   * something was still not written: it is lost on this device (the relay may have it).
   */
  async close(): Promise<void> {
    let failure: unknown = null
    for (let attempt = 1; attempt <= CLOSE_ATTEMPTS; attempt++) {
      try {
        await this.flush()
        failure = null
        break
      } catch (e) {
        failure = e
        if (attempt < CLOSE_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
      }
    }
    const lost = this.queue.length
    this.closed = true
    this.clearTimer()
    if (this.projectionTimer) clearTimeout(this.projectionTimer)
    this.projectionTimer = null
    await this.chain
    if (failure) throw new SyncClientError('local-store-failed', `${lost} updates could not be saved on this device`, { cause: failure })
  }

  /**
   * Starts one transaction with every update not known to be saved: the queued ones, and those of
   * batches still being written (a regular batch reads the projection before it writes, and a page
   * unloaded meanwhile loses that transaction; written twice, an update changes nothing). It waits
   * for no other write and no read: the changed customers are marked stale in the projection
   * without reading it (LocalBatch.staleMarks), and the store commits it at once.
   */
  private saveNow(): Promise<boolean> {
    // A batch of projection changes alone loses nothing: the updates it follows marked them stale.
    const again = [...this.inFlight].filter((b) => b.rows.length > 0 || b.pending.length > 0)
    if (this.closed || (this.queue.length === 0 && again.length === 0)) return Promise.resolve(true)
    const updates = this.queue
    const queuedPending = this.queuedPending.filter((id) => this.o.isPending(id))
    this.queue = []
    this.queuedPending = []
    const rows = [...again.flatMap((b) => b.rows), ...batchRows(updates)]
    // An id acknowledged meanwhile is not marked again (its marker's removal is queued, and written after).
    const pending = [...again.flatMap((b) => b.pending).filter((id) => this.o.isPending(id)), ...queuedPending]
    const staleMarks = this.o.projection?.staleMarks(again.flatMap((b) => changedIds(b.projection)))
    const written = this.o.store.write(this.o.bookId, { updates: rows, pending, acknowledged: [], ...(staleMarks ? { staleMarks } : {}) })
    const done = written.then(
      ({ rows: stored }) => {
        this.saved(updates.length, rows, stored)
        return true
      },
      (e: unknown) => {
        this.putBack(updates, queuedPending, [], undefined, null, false)
        this.failed(e)
        return false
      },
    )
    this.savesInFlight.add(done)
    void done.then(() => this.savesInFlight.delete(done))
    return done
  }

  private schedule(): void {
    if (this.timer || this.closed) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.enqueueWrite()
    }, this.o.batchMs)
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  /** Resolves whether the batch was written (or there was nothing to write). */
  private enqueueWrite(): Promise<boolean> {
    // The batch is taken when its turn comes, so a slow disk means bigger batches, not more of them.
    const written = this.chain.then(() => this.writeBatch())
    this.chain = written.then(() => undefined)
    return written
  }

  private async writeBatch(): Promise<boolean> {
    const full = this.projectionDue
    this.projectionDue = false
    const projectionChanged = full && this.o.projection?.hasChanges === true
    if (this.queue.length === 0 && this.acked.length === 0 && this.lastSyncedAt === undefined && !projectionChanged) return true
    const updates = this.queue
    const pending = this.queuedPending.filter((id) => this.o.isPending(id))
    const acknowledged = this.acked
    const lastSyncedAt = this.lastSyncedAt
    this.queue = []
    this.queuedPending = []
    this.acked = []
    this.lastSyncedAt = undefined
    // Read now, while the document holds exactly the stored rows plus `updates`.
    const projection = projectionChanged || updates.length > 0 ? (this.o.projection?.take(full) ?? null) : null
    const rows = batchRows(updates)
    const flight: BatchInFlight = { rows, pending, projection }
    this.inFlight.add(flight)
    let stored: number
    try {
      ;({ rows: stored } = await this.o.store.write(this.o.bookId, {
        updates: rows,
        pending,
        acknowledged,
        ...(lastSyncedAt === undefined ? {} : { lastSyncedAt }),
        ...(projection ? { projection } : {}),
      }))
    } catch (e) {
      // Put it back in front and try again later; nothing is reported saved meanwhile.
      this.putBack(updates, pending, acknowledged, lastSyncedAt, projection, full)
      this.failed(e)
      return false
    } finally {
      this.inFlight.delete(flight)
    }
    this.saved(updates.length, rows, stored)
    return true
  }

  /** A write of `count` queued updates as `rows` completed; the book holds `stored` rows now. */
  private saved(count: number, rows: readonly Uint8Array[], stored: number): void {
    this.o.onError(null)
    for (const u of rows) this.bytesSinceFold += u.byteLength
    this.unsaved -= count
    if (this.unsaved === 0) {
      this.o.onSaved(true)
      for (const resolve of this.savedWaiters.splice(0)) resolve()
    }
    const enoughBytes = this.bytesSinceFold >= this.snapshotBytes * this.o.compactBytesRatio
    if ((stored >= this.o.compactAfterRows && enoughBytes) || stored >= this.o.compactMaxRows) {
      this.chain = this.chain.then(() => this.compact())
    }
  }

  /** A write failed (what it held is queued again): reported, kept for flush, retried later. */
  private failed(e: unknown): void {
    this.lastFailure = e
    this.o.onError(toStoreError(e, 'write'))
    if (!this.closed) this.retryLater()
  }

  private putBack(
    updates: Uint8Array[], pending: string[], acknowledged: string[], lastSyncedAt: number | undefined,
    projection: ProjectionChange | null, full: boolean,
  ): void {
    this.queue = [...updates, ...this.queue]
    this.queuedPending = [...pending, ...this.queuedPending]
    this.acked = [...acknowledged, ...this.acked]
    this.lastSyncedAt ??= lastSyncedAt
    if (projection) this.o.projection?.restore(projection)
    this.projectionDue ||= full
  }

  private retryLater(): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.enqueueWrite()
    }, RETRY_MS)
  }

  private async compact(): Promise<void> {
    if (this.compacting) return
    this.compacting = true
    try {
      const fold = (rows: readonly Uint8Array[]) => {
        const snapshot = foldUpdates(rows)
        this.snapshotBytes = snapshot.byteLength
        this.bytesSinceFold = 0
        return snapshot
      }
      await runIfLockFree(this.o.locks, `crm-sync:compact:${this.o.bookId}`, () => this.o.store.compact(this.o.bookId, fold))
    } catch (e) {
      // Compaction only saves space; the rows are all still there. Report and go on.
      this.o.onError(toStoreError(e, 'compaction'))
    } finally {
      this.compacting = false
    }
  }
}

const toStoreError = (e: unknown, what: string): SyncClientError =>
  e instanceof SyncClientError ? e : new SyncClientError('local-store-failed', `local ${what} failed`, { cause: e })
