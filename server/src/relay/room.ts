// One loaded book: its Y.Doc, presence, the connections on it, and the path from an accepted
// update to a durable, acknowledged one. A room is created only after its book has loaded.
//
//   client frame ─► validate ─► apply to doc ─► broadcast (encoded once) ─► append ─► ack
//
// Broadcasts forward the bytes that were applied (re-framed as a sync update) instead of
// listening to the doc's 'update' event: with no such listener Yjs skips re-encoding every
// transaction, which was a third of the relay's CPU per update.
import type { Logger } from 'pino'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { encodeAwareness, encodeSyncStep2, encodeUpdate } from '@crm-sync/protocol'
import type { Metrics } from '../metrics'
import type { FanOut } from '../fanout/fan-out'
import type { DocStore, StoredUpdate } from '../store/doc-store'
import type { PresenceOwnership } from './presence'
import { SeqTracker } from './seq-tracker'

/** Whoever receives a room's broadcasts. A WebSocket connection is one; so is a cross-instance link. */
export interface RoomPeer {
  send(frame: Uint8Array): void
}

/** Transaction origin for changes made on the server on behalf of a user (HTTP, import, seeding). */
export interface LocalOrigin {
  readonly kind: 'local'
  readonly userId: string
}

export interface RoomOptions {
  readonly bookId: string
  readonly store: DocStore
  readonly metrics: Metrics
  readonly log: Logger
  readonly compactThreshold: number
  /** Folded log entries older than this (ms) are pruned after a compaction; null keeps them all. */
  readonly logRetentionMs: number | null
  /** Shares accepted updates and presence with other relay instances. */
  readonly fanOut: FanOut
  /** Called when the store failed: the room must be dropped so that clients resend on reconnect. */
  readonly onFailure: (room: Room, error: unknown) => void
}

export class Room {
  readonly bookId: string
  readonly doc = new Y.Doc({ gc: true })
  readonly awareness: awarenessProtocol.Awareness
  readonly peers = new Set<RoomPeer>()
  /** Which connection owns which awareness client id, so nobody speaks for someone else. */
  readonly presence: PresenceOwnership = { owners: new Map() }
  /** Log entries applied to this document (appended here, or by other instances). */
  seqs = new SeqTracker()
  private logLength = 0
  private pendingWrites = new Set<Promise<unknown>>()
  /** Settles once every append started so far is durable: O(1) per append and per frame. */
  private durableChain: Promise<unknown> = Promise.resolve()
  private compacting: Promise<void> | null = null
  private failed = false

  private constructor(private readonly o: RoomOptions) {
    this.bookId = o.bookId
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onAwarenessUpdate)
    // 'afterTransaction' (unlike 'update') costs Yjs no encoding; it drops the cached full state.
    this.doc.on('afterTransaction', this.onAfterTransaction)
  }

  /** Loads the book from the store; the room exists only once this resolves. */
  static async load(o: RoomOptions): Promise<Room> {
    const room = new Room(o)
    const loaded = await o.store.load(o.bookId)
    room.doc.transact(() => {
      if (loaded.snapshot) Y.applyUpdate(room.doc, loaded.snapshot)
      for (const u of loaded.updates) Y.applyUpdate(room.doc, u.update)
    }, LOAD_ORIGIN)
    room.seqs = new SeqTracker(loaded.headSeq)
    room.logLength = loaded.updates.length
    return room
  }

  get isFailed(): boolean {
    return this.failed
  }

  /** Highest durable log seq this room knows of. */
  get headSeq(): number {
    return this.seqs.highest
  }

  /**
   * Applies log entries another instance appended (from the fan-out or read back from the
   * store); entries already applied are skipped. A snapshot, when given, covers `snapshotSeq`.
   */
  applyStored(entries: readonly StoredUpdate[], snapshot?: { data: Uint8Array; seq: number }): void {
    const applied: Uint8Array[] = []
    this.doc.transact(() => {
      if (snapshot && snapshot.seq > this.seqs.contiguous) {
        Y.applyUpdate(this.doc, snapshot.data)
        this.seqs.markThrough(snapshot.seq)
        applied.push(snapshot.data)
      }
      for (const e of entries) {
        if (this.seqs.has(e.seq)) continue
        Y.applyUpdate(this.doc, e.update)
        this.seqs.mark(e.seq)
        this.logLength++
        applied.push(e.update)
      }
    }, this.o.fanOut.origin)
    for (const update of applied) this.broadcast(encodeUpdate(update))
  }

  /**
   * Applies an update that a peer sent (already validated) and resolves once it is durable.
   * Other peers get it at once; the durable append runs behind.
   */
  applyRemote(update: Uint8Array, userId: string, origin: RoomPeer): Promise<StoredUpdate> {
    Y.applyUpdate(this.doc, update, origin)
    this.broadcast(encodeUpdate(update), origin)
    return this.persist(update, userId)
  }

  /** Runs `change` on the doc as `userId` and resolves once what it changed is durable. */
  async change(userId: string, change: (doc: Y.Doc, origin: LocalOrigin) => void): Promise<StoredUpdate | null> {
    const origin: LocalOrigin = { kind: 'local', userId }
    const updates: Uint8Array[] = []
    const collect = (u: Uint8Array, o: unknown) => o === origin && updates.push(u)
    this.doc.on('update', collect)
    try {
      this.doc.transact(() => change(this.doc, origin), origin)
    } finally {
      this.doc.off('update', collect)
    }
    const [update] = updates
    if (!update) return null
    this.broadcast(encodeUpdate(update))
    return this.persist(update, userId)
  }

  /**
   * Resolves once every append started before this call is durable (rejects if one failed).
   * A frame's ack waits for this too: its sync step 2 was computed against a document that
   * may already hold changes whose appends are still in flight.
   */
  whenDurable(): Promise<void> {
    return this.durableChain.then(() => undefined)
  }

  /** Resolves when every append started so far has settled. */
  async flush(): Promise<void> {
    while (this.pendingWrites.size > 0) await Promise.allSettled([...this.pendingWrites])
    await this.compacting
  }

  destroy(): void {
    this.awareness.off('update', this.onAwarenessUpdate)
    this.doc.off('afterTransaction', this.onAfterTransaction)
    this.awareness.destroy()
    this.doc.destroy()
    this.peers.clear()
  }

  broadcast(frame: Uint8Array, except?: RoomPeer): void {
    for (const peer of this.peers) if (peer !== except) peer.send(frame)
  }

  private persist(update: Uint8Array, userId: string): Promise<StoredUpdate> {
    if (this.failed) return Promise.reject(new Error(`book ${this.bookId} is failing over`))
    const started = performance.now()
    const write = this.o.store.append(this.bookId, [{ update, userId }]).then(([stored]) => {
      if (!stored) throw new Error('store returned no entry')
      this.o.metrics.storeWriteSeconds.observe((performance.now() - started) / 1000)
      this.o.metrics.updatesIn.inc()
      this.seqs.mark(stored.seq)
      this.o.fanOut.publishUpdate(this, stored)
      this.logLength++
      if (this.logLength >= this.o.compactThreshold) this.scheduleCompaction()
      return stored
    })
    this.pendingWrites.add(write)
    const chain = Promise.all([this.durableChain, write])
    chain.catch(() => {}) // a failure is handled below (the room fails); callers see it through whenDurable
    this.durableChain = chain
    write.then(
      () => this.pendingWrites.delete(write),
      (error: unknown) => {
        this.pendingWrites.delete(write)
        if (!this.failed) {
          this.failed = true
          this.o.onFailure(this, error)
        }
      },
    )
    return write
  }

  private scheduleCompaction(): void {
    if (this.compacting || this.failed) return
    this.compacting = (async () => {
      // Wait until everything applied so far is durable, then fold it into a snapshot encoded
      // from this document (never Y.mergeUpdates over raw client bytes: yjs issue #687).
      while (this.pendingWrites.size > 0) await Promise.allSettled([...this.pendingWrites])
      if (this.failed) return
      // Only the contiguous prefix: with several instances an entry beyond a gap may be missing here.
      const upToSeq = this.seqs.contiguous
      if (upToSeq === 0) return
      const snapshot = Y.encodeStateAsUpdate(this.doc)
      await this.o.store.compact(this.bookId, snapshot, upToSeq)
      if (this.o.logRetentionMs !== null) await this.o.store.pruneLog(this.bookId, Date.now() - this.o.logRetentionMs)
      this.logLength = await this.o.store.logLength(this.bookId)
      this.o.metrics.compactions.inc()
      this.o.log.debug({ bookId: this.bookId, upToSeq, bytes: snapshot.length }, 'book compacted')
    })()
      .catch((error: unknown) => this.o.log.error({ err: error, bookId: this.bookId }, 'compaction failed'))
      .finally(() => {
        this.compacting = null
      })
  }

  /** Sync step 2 for a client with nothing (cold sync), encoded once per document version. */
  fullStateStep2(): Uint8Array {
    return (this.fullState ??= encodeSyncStep2(Y.encodeStateAsUpdate(this.doc)))
  }

  private fullState: Uint8Array | null = null

  private readonly onAfterTransaction = (): void => {
    this.fullState = null
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed]
    if (changed.length === 0) return
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)
    this.broadcast(encodeAwareness(update), isPeer(origin) ? origin : undefined)
    if (origin !== this.o.fanOut.origin) this.o.fanOut.publishAwareness(this, update)
  }
}

const LOAD_ORIGIN = Symbol('load')

const isPeer = (o: unknown): o is RoomPeer => typeof o === 'object' && o !== null && 'send' in o && typeof o.send === 'function'
