// One open book: its Y.Doc, presence, local persistence, relay link, cross-tab channel and the
// sync status that ties them together. Every update passes through `onUpdate` first (it is the
// doc's first listener), which decides whether it is a local edit (pending until acknowledged)
// and queues it for IndexedDB before y-websocket sends it. Opening reads the saved projection of
// the customers first and offers it (whenReadable) before the stored updates are applied; with
// nothing stored, it may offer the relay's list instead until the first sync (server-projection-offer.ts).
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { bindCustomers, type BookCustomers } from './book-customers'
import { holdBookLease, type BookLease } from './book-lease'
import { bookLeaseName } from './web-lock'
import { BookPersistence, LOAD_ORIGIN } from './book-persistence'
import { CrossTabChannel } from './cross-tab-channel'
import { deferred, type Deferred } from './deferred'
import { customerProjection, type CustomerProjection } from './customer-projection'
import type { StoredProjection } from './local-store'
import { yieldToRenderer } from './main-thread'
import type { ResolvedBookOptions } from './open-book'
import { PendingLocal } from './pending-local'
import { ProjectionTracker } from './projection-tracker'
import { RelayConnection } from './relay-connection'
import { ServerProjectionOffer } from './server-projection-offer'
import { isEmptyStateVector } from './state-vector'
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
  readonly whenDocument: Promise<void>
  private projected: CustomerProjection | null = null
  private readonly readable: Deferred<ReadableFrom>
  private readonly documentReady: Deferred<void>
  private serverOffer: ServerProjectionOffer | null = null
  private readonly projectionTracker: ProjectionTracker | null
  private current: SyncStatus = INITIAL_STATUS
  private readonly listeners = new Set<(s: SyncStatus) => void>()
  private waiters: Waiter[] = []
  private readonly pending = new PendingLocal()
  private readonly persistence: BookPersistence
  private readonly relay: RelayConnection | null
  private readonly crossTab: CrossTabChannel | null
  /** Held from before the load until closed: removing the book's data waits for it (remove-local-book.ts). */
  private readonly lease: BookLease
  private wantOnline: boolean
  private loaded = false
  /** The stored state could not be read: the status keeps saying so until the book is opened again. */
  private loadFailed = false
  private closing: Promise<void> | null = null
  private closeCalled = false

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
        // A write that works does not cure a failed load: what was stored before is still not in the
        // document (nor its pending edits counted or sent) until the book is opened again.
        else if (this.current.error?.code === 'local-store-failed' && !this.loadFailed) this.dispatch({ type: 'error', error: null })
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
    this.lease = holdBookLease(o.locks, bookLeaseName(o.store.locationOf(o.bookId)))
    this.crossTab = o.crossTabChannel === false
      ? null
      : new CrossTabChannel(o.crossTabChannel, this.doc, (origin) => origin === LOAD_ORIGIN, () => this.onRemoved())
    ;[this.whenReadable, this.readable] = deferred<ReadableFrom>()
    ;[this.whenDocument, this.documentReady] = deferred<void>()
    this.whenLoaded = this.load()
    // Reported in status.error too; awaiting callers still see it.
    this.whenLoaded.catch(() => {})
    this.whenReadable.catch(() => {})
    this.whenDocument.catch(() => {})
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
    this.serverOffer?.cancelFetch()
    this.relay?.disconnect()
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        this.closeCalled = true
        this.serverOffer?.finish()
        // Network first, so that nothing arrives after the last write; then flush to IndexedDB.
        this.wantOnline = false
        this.relay?.close()
        this.crossTab?.close()
        await this.whenLoaded.catch(() => {})
        // Closed all the same when the last writes failed; the caller hears of it after.
        const failure = await this.persistence.close().then(() => null, (e: unknown) => e)
        this.projectionTracker?.dispose()
        this.doc.off('update', this.onUpdate)
        this.awareness.destroy()
        for (const w of this.waiters.splice(0)) w.reject(new SyncClientError('closed', 'the book handle was closed'))
        if (this.o.ownsStore) await this.o.store.close()
        if (failure) throw failure
      } finally {
        // Last, and whatever failed above: a lease kept would make every removal of the book time out.
        this.lease.release()
      }
    })()
    return this.closing
  }

  /** The book's data is being removed from this device: let it go (the removal waits for the lease). */
  private onRemoved(): void {
    if (this.closing) return
    this.dispatch({ type: 'error', error: { code: 'removed', message: "this book's data was removed from this device; open it again to sync it afresh" } })
    this.close().catch(() => {}) // its writes are removed with the book anyway
  }

  private async load(): Promise<void> {
    let failure: unknown = null
    try {
      // Not while the book's data is being removed: what is read then would be half gone.
      await this.lease.ready
      // The projection first: read beside the updates it took twice as long (a 16 MiB row competes).
      // The updates are read while the app renders the projection, and applied after a frame.
      const saved = this.projectionTracker ? await this.persistence.readProjection() : null
      // One of the empty document (earlier versions wrote it on a fresh device) shows nothing early.
      const projection = saved && !isEmptyStateVector(saved.stateVector) ? saved : null
      const stored = this.persistence.read()
      stored.catch(() => {}) // awaited below; rejecting before that is not "unhandled"
      if (projection && !this.closing) await this.offerProjection(projection)
      const state = await stored
      if (!projection && state.updates.length === 0) this.offerServerProjection()
      this.persistence.apply(state)
      this.projectionTracker?.loaded(projection)
      this.pending.restore(state.pending)
      this.dispatch({ type: 'loaded', pendingLocal: this.pending.size, lastSyncedAt: state.lastSyncedAt })
    } catch (e) {
      failure = e
      this.loadFailed = true
      const reason = e instanceof Error ? e.message : String(e)
      this.dispatch({ type: 'error', error: { code: 'local-store-failed', message: `the book stored on this device could not be read (${reason}); open it again to retry` } })
    }
    this.projected = null
    this.loaded = true
    if (!this.closing) {
      this.crossTab?.start()
      if (this.wantOnline) this.connectAfterList()
    }
    if (failure) {
      const error = failure instanceof SyncClientError ? failure : new SyncClientError('local-store-failed', 'could not load the book', { cause: failure })
      this.readable.reject(error) // no-op when the projection was offered already
      this.documentReady.reject(error)
      throw error
    }
    // With the relay's list on its way, both wait for it or for the first sync (offerServerProjection).
    if (this.serverOffer) return
    this.readable.resolve('document') // no-op when the projection was offered already
    this.documentReady.resolve()
  }

  /**
   * Nothing is stored for this book: when going online and given an HTTP API, fetch the relay's
   * list of its customers beside the first sync, and offer it until the document holds the book.
   * Never stored as this device's projection: the device writes its own from the document (the
   * ProjectionTracker never sees this one and rebuilds from the document, as on any first open).
   */
  private offerServerProjection(): void {
    const options = this.o.serverProjection
    if (!options || !this.relay || !this.wantOnline || this.closeCalled) return
    this.serverOffer = new ServerProjectionOffer({
      httpUrl: options.httpUrl,
      bookId: this.bookId,
      maxBytes: options.maxBytes,
      getToken: this.o.getToken,
      onError: options.onError,
      offer: (stored) => {
        this.projected = customerProjection(stored, 'server')
        this.readable.resolve('projection')
      },
      ended: () => {
        this.projected = null
        this.readable.resolve('document') // no-op when the list was offered
        if (this.closeCalled) this.documentReady.reject(new SyncClientError('closed', 'the book handle was closed before the book synced'))
        else this.documentReady.resolve()
      },
    })
  }

  /**
   * Goes online; with the relay's list on its way, once it is shown (after a frame to paint it),
   * has failed, or `syncAfterMs` have passed: see ServerProjectionOptions.syncAfterMs.
   */
  private connectAfterList(): void {
    const offer = this.serverOffer
    if (!offer) return this.relay?.connect()
    let timer: ReturnType<typeof setTimeout> | undefined
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.o.serverProjection!.syncAfterMs)))
    unrefTimer(timer)
    void Promise.race([offer.whenSettled.then(yieldToRenderer), waited]).then(() => {
      clearTimeout(timer)
      if (this.wantOnline && !this.closing) this.relay?.connect()
    })
  }

  /** Offers the saved projection (whenReadable) and gives the app a frame to paint it. */
  private async offerProjection(stored: StoredProjection): Promise<void> {
    this.projected = customerProjection(stored, 'device')
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
    // Nothing more comes from the relay until connect(): the document is what there is.
    this.serverOffer?.finish()
    const failure = new SyncClientError('stopped', `stopped syncing: ${error.message}`, { syncError: error })
    for (const w of this.waiters.splice(0)) w.reject(failure)
  }

  private isSynced(): boolean {
    return this.current.state === 'synced' && this.current.pendingLocal === 0
  }

  private dispatch(event: SyncEvent): void {
    const next = nextStatus(this.current, event)
    // Sync step 2 is applied: the document holds the book, the relay's list can go.
    if (event.type === 'server-synced') this.serverOffer?.finish()
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
