// One open book: its Y.Doc, presence, local persistence, relay link, cross-tab channel and the
// sync status that ties them together. Every update passes through `onUpdate` first (it is the
// doc's first listener), which decides whether it is a local edit (pending until acknowledged)
// and queues it for IndexedDB before y-websocket sends it. Opening reads the saved projection of
// the customers first and offers it (whenReadable) before the stored updates are applied.
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { bindCustomers, type BookCustomers } from './book-customers'
import { BookPersistence, LOAD_ORIGIN } from './book-persistence'
import { CrossTabChannel } from './cross-tab-channel'
import { customerProjection, type CustomerProjection } from './customer-projection'
import type { StoredProjection } from './local-store'
import { yieldToRenderer } from './main-thread'
import type { ResolvedBookOptions } from './open-book'
import { PendingLocal } from './pending-local'
import { ProjectionTracker } from './projection-tracker'
import { RelayConnection } from './relay-connection'
import { SyncClientError } from './sync-client-error'
import { nextStatus, sameStatus, type SyncEvent } from './sync-status-machine'
import { INITIAL_STATUS, type SyncError, type SyncStatus } from './sync-status'
import { unrefTimer } from './unref-timer'
import type { BookHandle, ReadableFrom } from './book-handle'

interface Waiter {
  resolve(): void
  reject(error: unknown): void
}

export class Book implements BookHandle {
  readonly bookId: string
  readonly doc = new Y.Doc()
  readonly awareness: Awareness
  readonly customers: BookCustomers
  readonly whenLoaded: Promise<void>
  readonly whenReadable: Promise<ReadableFrom>
  private projected: CustomerProjection | null = null
  private readonly readable: { resolve(from: ReadableFrom): void; reject(e: unknown): void }
  private readonly projectionTracker: ProjectionTracker | null
  private current: SyncStatus = INITIAL_STATUS
  private readonly listeners = new Set<(s: SyncStatus) => void>()
  private waiters: Waiter[] = []
  private readonly pending = new PendingLocal()
  private readonly persistence: BookPersistence
  private readonly relay: RelayConnection | null
  private readonly crossTab: CrossTabChannel | null
  private wantOnline: boolean
  private loaded = false
  private closing: Promise<void> | null = null

  constructor(private readonly o: ResolvedBookOptions) {
    this.bookId = o.bookId
    this.wantOnline = o.connect
    // First listener of the doc: local updates get their pending id before y-websocket sends them.
    this.doc.on('update', this.onUpdate)
    this.awareness = new Awareness(this.doc)
    unrefTimer((this.awareness as unknown as { _checkInterval: unknown })._checkInterval)
    if (o.userId !== null || o.userName !== null) {
      this.awareness.setLocalStateField('user', { id: o.userId ?? undefined, name: o.userName ?? o.userId ?? undefined })
    }
    this.customers = bindCustomers(this.doc, o.userId ?? 'unknown')
    this.projectionTracker = o.keepProjection
      ? new ProjectionTracker(this.doc, { skipOrigin: (origin) => origin === LOAD_ORIGIN, changed: () => this.persistence.projectionChanged() })
      : null
    this.persistence = new BookPersistence({
      store: o.store,
      bookId: o.bookId,
      doc: this.doc,
      batchMs: o.batchMs,
      compactAfterRows: o.compactAfterRows,
      compactBytesRatio: o.compactBytesRatio,
      compactMaxRows: o.compactMaxRows,
      locks: o.locks,
      isPending: (id) => this.pending.has(id),
      projection: this.projectionTracker,
      projectionMs: o.projectionMs,
      onSaved: (savedLocally) => this.dispatch({ type: 'save-state', savedLocally }),
      onError: (error) => {
        if (error) this.dispatch({ type: 'error', error: { code: 'local-store-failed', message: error.message } })
        else if (this.current.error?.code === 'local-store-failed') this.dispatch({ type: 'error', error: null })
      },
    })
    this.relay = o.WebSocket
      ? new RelayConnection({
          serverUrl: o.serverUrl,
          bookId: o.bookId,
          doc: this.doc,
          awareness: this.awareness,
          getToken: o.getToken,
          WebSocket: o.WebSocket,
          backoff: o.backoff,
          maxAuthRetries: o.maxAuthRetries,
          random: o.random,
          pending: this.pending,
          dispatch: (e) => this.dispatch(e),
          acknowledged: (ids) => this.onAcknowledged(ids),
          stopped: (error) => this.onStopped(error),
        })
      : null
    this.crossTab = o.crossTabChannel === false ? null : new CrossTabChannel(o.crossTabChannel, this.doc, (origin) => origin === LOAD_ORIGIN)
    let readable!: { resolve(from: ReadableFrom): void; reject(e: unknown): void }
    this.whenReadable = new Promise<ReadableFrom>((resolve, reject) => (readable = { resolve, reject }))
    this.readable = readable
    this.whenLoaded = this.load()
    // Reported in status.error too; awaiting callers still see it.
    this.whenLoaded.catch(() => {})
    this.whenReadable.catch(() => {})
  }

  get projection(): CustomerProjection | null {
    return this.projected
  }

  get status(): SyncStatus {
    return this.current
  }

  on(_event: 'status', fn: (status: SyncStatus) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  whenSynced(): Promise<void> {
    if (this.closing) return Promise.reject(new SyncClientError('closed', 'the book handle is closed'))
    if (this.isSynced()) return Promise.resolve()
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  whenSaved(): Promise<void> {
    return this.persistence.whenSaved()
  }

  flush(): Promise<void> {
    return this.closing ?? this.persistence.flush()
  }

  connect(): void {
    if (this.closing) return
    if (!this.relay) throw new SyncClientError('no-websocket', 'no WebSocket class: pass WebSocketPolyfill to openBook')
    this.wantOnline = true
    if (this.loaded) this.relay.connect()
  }

  disconnect(): void {
    this.wantOnline = false
    this.relay?.disconnect()
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // Network first, so that nothing arrives after the last write; then flush to IndexedDB.
      this.wantOnline = false
      this.relay?.close()
      this.crossTab?.close()
      await this.whenLoaded.catch(() => {})
      await this.persistence.close()
      this.projectionTracker?.dispose()
      this.doc.off('update', this.onUpdate)
      this.awareness.destroy()
      for (const w of this.waiters.splice(0)) w.reject(new SyncClientError('closed', 'the book handle was closed'))
      if (this.o.ownsStore) await this.o.store.close()
    })()
    return this.closing
  }

  private async load(): Promise<void> {
    let failure: unknown = null
    try {
      // The projection first: read beside the updates it took twice as long (a 16 MiB row competes).
      // The updates are read while the app renders the projection, and applied after a frame.
      const projection = this.projectionTracker ? await this.persistence.readProjection() : null
      const stored = this.persistence.read()
      stored.catch(() => {}) // awaited below; rejecting before that is not "unhandled"
      if (projection && !this.closing) await this.offerProjection(projection)
      const state = await stored
      this.persistence.apply(state)
      this.projectionTracker?.loaded(projection)
      this.pending.restore(state.pending)
      this.dispatch({ type: 'loaded', pendingLocal: this.pending.size, lastSyncedAt: state.lastSyncedAt })
    } catch (e) {
      failure = e
      this.dispatch({ type: 'error', error: { code: 'local-store-failed', message: e instanceof Error ? e.message : String(e) } })
    }
    this.projected = null
    this.loaded = true
    if (!this.closing) {
      this.crossTab?.start()
      if (this.wantOnline) this.relay?.connect()
    }
    if (failure) {
      const error = failure instanceof SyncClientError ? failure : new SyncClientError('local-store-failed', 'could not load the book', { cause: failure })
      this.readable.reject(error) // no-op when the projection was offered already
      throw error
    }
    this.readable.resolve('document') // no-op when the projection was offered already
  }

  /** Offers the saved projection (whenReadable) and gives the app a frame to paint it. */
  private async offerProjection(stored: StoredProjection): Promise<void> {
    this.projected = customerProjection(stored)
    this.readable.resolve('projection')
    await yieldToRenderer()
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === LOAD_ORIGIN) return
    const remote = this.relay?.isRelayOrigin(origin) === true || (this.crossTab !== null && origin === this.crossTab)
    const pendingId = remote ? undefined : this.pending.record(update)
    // Queue first, so that no status ever shows a pending edit as saved.
    this.persistence.enqueue(update, pendingId)
    if (pendingId !== undefined) this.dispatch({ type: 'pending-changed', pendingLocal: this.pending.size })
  }

  private onAcknowledged(ids: string[]): void {
    const removed = this.pending.acknowledge(ids)
    const at = Date.now()
    this.persistence.acknowledge(removed, at)
    if (removed.length > 0) this.dispatch({ type: 'pending-changed', pendingLocal: this.pending.size })
    this.dispatch({ type: 'acked', at })
  }

  private onStopped(error: SyncError): void {
    const failure = new SyncClientError('stopped', `stopped syncing: ${error.message}`, { syncError: error })
    for (const w of this.waiters.splice(0)) w.reject(failure)
  }

  private isSynced(): boolean {
    return this.current.state === 'synced' && this.current.pendingLocal === 0
  }

  private dispatch(event: SyncEvent): void {
    const next = nextStatus(this.current, event)
    if (sameStatus(next, this.current)) return
    this.current = next
    for (const fn of [...this.listeners]) {
      try {
        fn(next)
      } catch (e) {
        // A listener's bug must not break syncing; surface it like an uncaught error.
        queueMicrotask(() => {
          throw e
        })
      }
    }
    if (this.isSynced()) for (const w of this.waiters.splice(0)) w.resolve()
  }
}
