// Keeps one book's document on the device: loads it before anything else, then writes every
// update (local and remote) to the LocalStore in batches, about one transaction per `batchMs`
// instead of one per keystroke, reports "saved on this device" only once a transaction completed,
// and folds the rows into one snapshot past a threshold (under a Web Lock, see web-lock.ts).
import * as Y from 'yjs'
import type { LocalBookState, LocalStore, LocalUpdate } from './local-store'
import { SyncClientError } from './sync-client-error'
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
}

const RETRY_MS = 1000

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
  private queue: LocalUpdate[] = []
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

  constructor(private readonly o: BookPersistenceOptions) {}

  /** Applies the stored state to the document. */
  async load(): Promise<LocalBookState> {
    const state = await this.o.store.load(this.o.bookId)
    this.o.doc.transact(() => {
      for (const u of state.updates) Y.applyUpdate(this.o.doc, u)
    }, LOAD_ORIGIN)
    for (const u of state.updates) {
      if (u.byteLength > this.snapshotBytes) this.snapshotBytes = u.byteLength
      this.bytesSinceFold += u.byteLength
    }
    this.bytesSinceFold -= this.snapshotBytes
    return state
  }

  get savedLocally(): boolean {
    return this.unsaved === 0
  }

  /** Queues an update for the next batch; local updates carry their pending id. */
  enqueue(update: Uint8Array, pendingId?: string): void {
    if (this.closed) return
    this.queue.push(pendingId === undefined ? { update } : { update, pendingId })
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

  /** Writes what is queued now and waits for it (and anything already running). */
  async flush(): Promise<void> {
    this.clearTimer()
    await this.enqueueWrite()
  }

  async close(): Promise<void> {
    await this.flush()
    this.closed = true
    this.clearTimer()
    await this.chain
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

  private enqueueWrite(): Promise<void> {
    // The batch is taken when its turn comes, so a slow disk means bigger batches, not more of them.
    this.chain = this.chain.then(() => this.writeBatch())
    return this.chain
  }

  private async writeBatch(): Promise<void> {
    if (this.queue.length === 0 && this.acked.length === 0 && this.lastSyncedAt === undefined) return
    const updates = this.queue.map((u) => (u.pendingId !== undefined && !this.o.isPending(u.pendingId) ? { update: u.update } : u))
    const acknowledged = this.acked
    const lastSyncedAt = this.lastSyncedAt
    this.queue = []
    this.acked = []
    this.lastSyncedAt = undefined
    let rows: number
    try {
      ;({ rows } = await this.o.store.write(this.o.bookId, { updates, acknowledged, ...(lastSyncedAt === undefined ? {} : { lastSyncedAt }) }))
    } catch (e) {
      // Put it back in front and try again later; nothing is reported saved meanwhile.
      this.queue = [...updates, ...this.queue]
      this.acked = [...acknowledged, ...this.acked]
      this.lastSyncedAt ??= lastSyncedAt
      this.o.onError(toStoreError(e, 'write'))
      if (!this.closed) this.retryLater()
      return
    }
    this.o.onError(null)
    for (const u of updates) this.bytesSinceFold += u.update.byteLength
    this.unsaved -= updates.length
    if (this.unsaved === 0) {
      this.o.onSaved(true)
      for (const resolve of this.savedWaiters.splice(0)) resolve()
    }
    const enoughBytes = this.bytesSinceFold >= this.snapshotBytes * this.o.compactBytesRatio
    if ((rows >= this.o.compactAfterRows && enoughBytes) || rows >= this.o.compactMaxRows) {
      this.chain = this.chain.then(() => this.compact())
    }
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
