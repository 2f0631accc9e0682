// One loaded book: its Y.Doc, presence, the connections on it, and the path from an accepted
// update to a durable, acknowledged one. A room is created only after its book has loaded.
//
//   client frame ─► validate ─► apply to doc ─► broadcast (encoded once) ─► append ─► ack
//   server-side writer (HTTP, import, in-process CRM bridge) ─► write() ─► broadcast ─► append
//
// Broadcasts forward the bytes that were applied (re-framed as a sync update) instead of
// listening to the doc's 'update' event: with no such listener Yjs skips re-encoding every
// transaction, which was a third of the relay's CPU per update.
//
// A room is dormant while nobody changes its book (RoomDocument: the book encoded, no Y.Doc); a
// book that loads as a snapshot alone starts dormant. A big book (one whose snapshots a worker
// encodes) also loads dormant with its log, and takes clients' updates while dormant: they are
// kept beside the encoded state (its tail) and folded into it by the worker, so an edit to a big
// book left alone does not decode it on the event loop. Presence (RoomPresence) exists only once
// someone in the book sends it.
import type { Logger } from 'pino'
import type * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { decodeIndexParts, encodeAwareness, encodeIndexParts, encodeUpdate } from '@crm-sync/protocol'
import type { Metrics } from '../metrics'
import type { FanOut } from '../fanout/fan-out'
import { PRUNE_LIMIT, type DocStore, type StoredUpdate } from '../store/doc-store'
import { BroadcastFrame } from './broadcast-frame'
import { compactionDue, type CompactionPolicy } from './compaction-policy'
import { RoomAppends, type DurableWatcher } from './room-appends'
import { RoomDocument, type DormantBytes, type TailFold } from './room-document'
import type { StateExtras } from './encoded-state'
import { RoomPresence, type PresenceListener } from './room-presence'
import type { RoomWatchers } from './room-watchers'
import { SeqTracker } from './seq-tracker'
import type { SnapshotEncoder, SnapshotSource } from './snapshot-encoder'

/** Whoever receives a room's broadcasts: a WebSocket connection. */
export interface RoomPeer {
  deliver(frame: BroadcastFrame): void
}

/** Transaction origin for changes made on the server on behalf of a user (HTTP, import, seeding). */
export interface LocalOrigin {
  readonly kind: 'local'
  readonly userId: string
}

/**
 * A dormant book's tail is folded into its encoded state by the worker from this many updates, or
 * bytes of them; and at a hibernation sweep once no update came since the one before. A fold
 * decodes the whole book on the worker, so a few updates wait for the edits to pause.
 */
export const FOLD_TAIL_FROM = 256
export const FOLD_TAIL_FROM_BYTES = 1 << 20
/** A dormant book with this many updates not folded in (the worker busy or failing) wakes instead. */
export const MAX_DORMANT_TAIL = 2048
/** ...or with this many bytes of them. */
export const MAX_DORMANT_TAIL_BYTES = 8 << 20

/** What every room of a registry shares (one object, not one per book: idle memory per book). */
export interface RoomOptions {
  readonly store: DocStore
  readonly metrics: Metrics
  readonly log: Logger
  /** When the log is folded into a snapshot (compaction-policy.ts). */
  readonly compaction: CompactionPolicy
  /** Folded log entries older than this (ms) are pruned after a compaction; null keeps them all. */
  readonly logRetentionMs: number | null
  /** Most entries one pruneLog call deletes (PRUNE_LIMIT by default); a compaction calls it until done. */
  readonly pruneBatch?: number
  /** Encodes big books' snapshots off the event loop (snapshot-encoder.ts); null encodes every one here. */
  readonly snapshotEncoder: SnapshotEncoder | null
  /** From this many bytes of snapshot and log, an awake book's snapshot is encoded by `snapshotEncoder`. */
  readonly offloadEncodeFromBytes: number
  /** Shares accepted updates and presence with other relay instances. */
  readonly fanOut: FanOut
  /**
   * Called when the room can no longer be trusted (its store failed, or applying a refused update
   * threw part-way): it must be dropped so that clients resend on reconnect.
   */
  readonly onFailure: (room: Room, error: unknown) => void
  /** Told when a room wakes or takes an update while dormant (room-watchers.ts). */
  readonly watchers: RoomWatchers
}

export class Room implements PresenceListener {
  readonly bookId: string
  readonly peers = new Set<RoomPeer>()
  /** Log entries applied to this document (appended here, or by other instances). */
  seqs = new SeqTracker()
  /** Log entries after the snapshot, their bytes, and the snapshot's bytes: what compactionDue weighs. */
  private logLength = 0
  private logBytes = 0
  private snapshotBytes = 0
  /** The last seq folded into the stored snapshot, as far as this room knows. */
  private snapshotSeq = 0
  /**
   * A big book's stored snapshot (loaded, or written by this room; with several instances the store
   * may keep another's newer one instead, and this stays a whole state through its seq): its
   * compactions on the worker then read only the entries after it, not 16 MiB from the store on the
   * event loop. Kept while the book is awake (beside a decoded document twenty times its size), or
   * while it is the dormant book's own encoding (no second copy).
   */
  private storedSnapshot: KnownSnapshot | null = null
  /**
   * Accepted updates on their way to the store, numbered; who waits for which. Made on the first
   * update: most rooms of a server with many books only ever serve syncs (idle memory per book).
   */
  private appendLog: RoomAppends | null = null
  private compacting: Promise<void> | null = null
  /** Set when applying an update threw part-way: the document holds (part of) an update never stored. */
  private tainted = false
  private presenceState: RoomPresence | null = null
  /** Set by destroy(): a compaction in progress must not read the dropped document. */
  private destroyed = false
  /** The book's transaction count when hibernate() last had the worker encode it (tried once per state). */
  private hibernationTriedAt = -1
  /** A fold of the dormant book's tail into its encoded state, on the snapshot encoder. */
  private folding: Promise<void> | null = null
  /** Updates taken while dormant, ever; and that count at the last hibernation sweep (see foldTail). */
  private takenDormant = 0
  /** fillGap's read under way, and the gap it last could not fill (logged once). */
  private fillingGap: Promise<void> | null = null
  private gapLoggedAt = -1
  private takenDormantAtSweep = 0
  /** The tail's length when a fold last failed (0: none since the last that worked): no new try on updates until it doubles. */
  private foldFailedAt = 0

  private constructor(
    bookId: string,
    private readonly o: RoomOptions,
    private readonly book: RoomDocument,
  ) {
    this.bookId = bookId
    book.wakeListener = this
  }

  /** Who is here, and which connection owns which awareness client id (nobody speaks for someone else). */
  get presence(): RoomPresence {
    return (this.presenceState ??= new RoomPresence(this))
  }

  private get appends(): RoomAppends {
    return (this.appendLog ??= new RoomAppends({
      append: (entries) => this.o.store.append(this.bookId, entries),
      stored: (stored) => {
        this.seqs.mark(stored.seq)
        if (this.seqs.hasGap && !this.o.fanOut.catchesUpGaps) this.fillGap()
        this.o.fanOut.publishUpdate(this, stored)
        this.logLength++
        this.logBytes += stored.update.length
        if (compactionDue(this.o.compaction, { entries: this.logLength, bytes: this.logBytes, snapshotBytes: this.snapshotBytes })) {
          this.scheduleCompaction()
        }
      },
      written: (entries, ms) => {
        this.o.metrics.storeWriteSeconds.observe(ms / 1000)
        this.o.metrics.updatesIn.inc(entries)
      },
      failed: (error) => this.o.onFailure(this, error),
    }))
  }

  /** Nothing accepted is waiting to become durable. */
  private get appendsIdle(): boolean {
    return this.appendLog?.idle ?? true
  }

  private get appendFailed(): boolean {
    return this.appendLog?.isFailed ?? false
  }

  /** Loads the book from the store; the room exists only once this resolves. */
  static async load(bookId: string, o: RoomOptions): Promise<Room> {
    const loaded = await o.store.load(bookId)
    const updates = loaded.updates.map((u) => u.update)
    const logBytes = updates.reduce((sum, u) => sum + u.length, 0)
    const snapshotBytes = loaded.snapshot?.length ?? 0
    const book =
      // A snapshot is a whole state encoded by a room: it can be served without decoding it. A
      // big book's log rides along as its tail (folded by the worker, below), unless it is longer
      // than a tail may grow: every joining client would get all of it until the fold is done.
      updates.length === 0 || (isBig(o, snapshotBytes + logBytes) && updates.length < MAX_DORMANT_TAIL && logBytes < MAX_DORMANT_TAIL_BYTES)
        ? RoomDocument.dormant(o.metrics, loaded.snapshot ?? EMPTY_STATE, updates, storedExtras(bookId, loaded.snapshotIndex, o))
        : RoomDocument.decoded(o.metrics, loaded.snapshot, updates)
    const room = new Room(bookId, o, book)
    room.seqs = new SeqTracker(loaded.headSeq)
    room.logLength = loaded.updates.length
    room.logBytes = logBytes
    room.snapshotBytes = snapshotBytes
    room.snapshotSeq = loaded.snapshotSeq
    if (loaded.snapshot && isBig(o, snapshotBytes + logBytes)) {
      // A dormant book's encoding is the snapshot, in shared memory: that copy is the one kept.
      room.storedSnapshot = { data: book.dormantBytes()?.base ?? loaded.snapshot, seq: loaded.snapshotSeq }
    }
    room.takenDormant = book.tailLength
    room.foldIfLong()
    return room
  }

  /** The book's document, decoded on first use if the room is dormant. */
  get doc(): Y.Doc {
    return this.book.doc
  }

  /**
   * The decoded document if the room is awake, without counting as a use (a sleeping room stays
   * asleep, an awake one may still go dormant at the next sweeps); null while dormant.
   */
  get liveDoc(): Y.Doc | null {
    return this.book.liveDoc
  }

  /** The book decoded a document (a wake): the watchers hear of it before anything is applied to it. */
  documentWoke(doc: Y.Doc): void {
    this.o.watchers.woke(this, doc)
  }

  /** True while the room holds its book only encoded (no Y.Doc in memory). */
  get isDormant(): boolean {
    return this.book.isDormant
  }

  /**
   * A big dormant book's bytes (RoomDocument.dormantBytes), for a read made on a worker instead of
   * waking the book here; null when the book is awake, or small enough that waking it costs little.
   */
  dormantBytes(): DormantBytes | null {
    return this.book.isDormant && isBig(this.o, this.snapshotBytes + this.logBytes) ? this.book.dormantBytes() : null
  }

  /** Presence in this book; created (with its timer) on first use. */
  get awareness(): awarenessProtocol.Awareness {
    return this.presence.awareness
  }

  /** Awareness client ids with a state now, without creating presence for a book that has none. */
  presentClientIds(): number[] {
    return this.presenceState?.clientIds() ?? []
  }

  /** Sync step 1 (this room's state vector), for a client that just joined. */
  syncStep1(): Uint8Array {
    return this.book.syncStep1()
  }

  /**
   * The frames that bring a client at `stateVector` up to date: for a dormant book, the updates it
   * took since it was encoded; then sync step 2 (a client with nothing gets the cached full state).
   */
  syncReply(stateVector: Uint8Array): Uint8Array[] {
    return this.book.syncReply(stateVector)
  }

  /**
   * Drops the decoded document, keeping the book encoded, if nothing used it since the last call
   * and no write or compaction is in flight. Returns whether the room is dormant now.
   */
  hibernate(): boolean {
    // A dormant book's tail is folded once its edits pause for a sweep (see FOLD_TAIL_FROM).
    if (this.book.isDormant && this.book.tailLength > 0 && this.takenDormant === this.takenDormantAtSweep) this.foldTail()
    this.takenDormantAtSweep = this.takenDormant
    const busy = !this.appendsIdle || this.compacting !== null || this.appendFailed
    const adoptable = !this.seqs.hasGap && this.seqs.highest > 0 && this.seqs.highest >= this.snapshotSeq
    if (!busy && this.book.idleSinceLastSweep && this.encodesOffLoop && adoptable && this.hibernationTriedAt !== this.book.transactionCount) {
      // Going dormant encodes the whole book, which for a big one would stop the event loop: the
      // worker encodes it now (stored as the snapshot if a compaction is due), and the next sweep
      // finds it encoded.
      // Once per state of the document: if that did not work out, the next sweep encodes it here.
      this.hibernationTriedAt = this.book.transactionCount
      this.scheduleCompaction(true)
      return false
    }
    const dormant = this.book.hibernate(busy)
    if (dormant) this.keepStoredSnapshotOnlyIfEncoding()
    return dormant
  }

  /** A dormant book keeps its stored snapshot only when that is its encoding (see storedSnapshot). */
  private keepStoredSnapshotOnlyIfEncoding(): void {
    const encoding = this.book.dormantBytes()?.base
    if (this.storedSnapshot && !(encoding && sameBytes(encoding, this.storedSnapshot.data))) this.storedSnapshot = null
  }

  /** A snapshot of this book now would be encoded by the snapshot encoder (snapshot-encoder.ts). */
  private get encodesOffLoop(): boolean {
    return !this.book.hasWholeState && isBig(this.o, this.snapshotBytes + this.logBytes)
  }

  /** A dormant big book takes an update without waking while its tail is short enough. */
  private get takesDormant(): boolean {
    return (
      this.book.isDormant &&
      isBig(this.o, this.snapshotBytes + this.logBytes) &&
      this.book.tailLength < MAX_DORMANT_TAIL &&
      this.book.tailBytes < MAX_DORMANT_TAIL_BYTES
    )
  }

  /** Takes an update into the dormant book's tail (see takesDormant). */
  private takeDormant(update: Uint8Array): void {
    this.book.takeDormant(update)
    this.takenDormant++
    this.o.metrics.dormantUpdates.inc()
    this.o.watchers.tookDormant(this)
  }

  /** Folds the tail now if it is long (FOLD_TAIL_FROM), and no fold failed since it was half as long. */
  private foldIfLong(): void {
    const long = this.book.tailLength >= FOLD_TAIL_FROM || this.book.tailBytes >= FOLD_TAIL_FROM_BYTES
    if (long && this.book.tailLength >= 2 * this.foldFailedAt) this.foldTail()
  }

  /**
   * Folds the dormant book's tail into its encoded state on the snapshot encoder, in the
   * background (`folding`). The book keeps what came meanwhile as its tail; one that woke
   * meanwhile applied the whole tail itself, and the result is dropped. A fold still queued when
   * the room is dropped does not run.
   */
  private foldTail(): void {
    const encoder = this.o.snapshotEncoder
    if (this.folding || !encoder) return
    let fold: TailFold | null = null
    this.folding = encoder
      .encode(async () => (fold = this.destroyed ? null : this.book.foldSource()))
      .then((encoded) => {
        if (!encoded || !fold) return
        this.reportUnappliable(encoded.unappliable)
        if (this.book.adoptFolded(fold, encoded.state, encoded)) {
          this.o.metrics.dormantFolds.inc()
          this.keepStoredSnapshotOnlyIfEncoding()
        }
        this.foldFailedAt = 0
      })
      .catch((error: unknown) => {
        this.foldFailedAt = Math.max(1, fold?.updates.length ?? this.book.tailLength)
        this.o.log.warn({ err: error, bookId: this.bookId }, 'folding a dormant book’s updates on the worker failed; they stay in its tail')
      })
      .finally(() => {
        this.folding = null
      })
  }

  /** Resolves once no fold of the tail is running (tests, the bench). */
  async whenFolded(): Promise<void> {
    while (this.folding) await this.folding
  }

  private reportUnappliable(count: number): void {
    if (count === 0) return
    this.o.metrics.unappliableUpdates.inc(count)
    this.o.log.warn({ bookId: this.bookId, count }, 'Yjs threw on stored updates while the worker rebuilt the book; what it kept of them is in')
  }

  /** The store failed, or applying a refused update threw part-way: the room is being dropped. */
  get isFailed(): boolean {
    return this.appendFailed || this.tainted
  }

  /** Highest durable log seq this room knows of. */
  get headSeq(): number {
    return this.seqs.highest
  }

  /**
   * Applies log entries another instance appended (from the fan-out or read back from the
   * store); entries already applied are skipped. A snapshot, when given, covers `snapshotSeq`.
   * Unlike applyRemote, a throw here does not taint the room: these entries are already stored,
   * so what Yjs kept of one is part of the book; an entry it threw in is not marked applied, and
   * the caller's catch-up from the store offers it again.
   */
  applyStored(entries: readonly StoredUpdate[], snapshot?: { data: Uint8Array; seq: number }): void {
    const takeSnapshot = snapshot !== undefined && snapshot.seq > this.seqs.contiguous
    // Catch-up sweeps offer entries already applied: a dormant room need not wake for those.
    if (!takeSnapshot && entries.every((e) => this.seqs.has(e.seq))) return
    if (!takeSnapshot && this.takesDormant) return this.takeStoredDormant(entries)
    const applied: Uint8Array[] = []
    const doc = this.doc
    try {
      doc.transact(() => {
        if (takeSnapshot) {
          Y.applyUpdate(doc, snapshot.data)
          this.seqs.markThrough(snapshot.seq)
          if (snapshot.seq > this.snapshotSeq) {
            this.snapshotSeq = snapshot.seq
            this.snapshotBytes = snapshot.data.length
            this.rememberStoredSnapshot(snapshot)
          }
          applied.push(snapshot.data)
        }
        for (const e of entries) {
          if (this.seqs.has(e.seq)) continue
          Y.applyUpdate(doc, e.update)
          this.seqs.mark(e.seq)
          this.logLength++
          this.logBytes += e.update.length
          applied.push(e.update)
        }
      }, this.o.fanOut.origin)
    } finally {
      // An observer that throws does so after every entry is in and marked: peers get them still.
      for (const update of applied) this.broadcast(encodeUpdate(update))
    }
  }

  /**
   * Reads the entries this room never saw from the store and applies them. With no other instance
   * (the local fan-out), a gap comes from an append whose commit's outcome was unknown (the room
   * was dropped for it) and that the store applied after all, after this room had loaded: without
   * its entries the room's seqs never become contiguous again, and it would never compact nor
   * hibernate. One read at a time; a gap the store cannot fill is logged once.
   */
  private fillGap(): void {
    if (this.fillingGap) return
    const from = this.seqs.contiguous
    this.fillingGap = (async () => {
      try {
        const entries = await this.o.store.readSince(this.bookId, from, this.seqs.highest - from)
        if (this.destroyed || this.appendFailed) return
        this.applyStored(entries)
        if (this.seqs.contiguous === from && this.gapLoggedAt !== from) {
          this.gapLoggedAt = from
          this.o.log.warn({ bookId: this.bookId, seq: from + 1 }, 'the store has no entry to fill a gap in the book\'s log')
        }
      } catch (err) {
        this.o.log.warn({ err, bookId: this.bookId }, 'could not read a gap in the book\'s log from the store; the next append tries again')
      } finally {
        this.fillingGap = null
      }
    })()
  }

  /** applyStored for a big dormant book: the entries join its tail (stored already: checked when they were accepted). */
  private takeStoredDormant(entries: readonly StoredUpdate[]): void {
    for (const e of entries) {
      if (this.seqs.has(e.seq)) continue
      this.takeDormant(e.update)
      this.seqs.mark(e.seq)
      this.logLength++
      this.logBytes += e.update.length
      this.broadcast(encodeUpdate(e.update))
    }
    this.foldIfLong()
  }

  /**
   * Applies an update that a peer sent (already validated) and returns its append number: the
   * update is durable once `durableThrough` reaches it (`watchDurable` tells). Other peers get it
   * at once; the durable append runs behind.
   */
  applyRemote(update: Uint8Array, userId: string, origin: RoomPeer): number {
    return this.accept(update, userId, origin, origin)
  }

  /**
   * Takes an update made elsewhere from this book's bytes for a server-side writer (a worker:
   * books/dormant-book-writes.ts) as that writer's change: into a dormant big book's tail, or
   * applied to the document (with a LocalOrigin) if it woke meanwhile; every peer gets it.
   * Resolves once it is durable.
   */
  async applyMade(update: Uint8Array, userId: string): Promise<void> {
    const origin: LocalOrigin = { kind: 'local', userId }
    await this.appends.whenThrough(this.accept(update, userId, origin))
  }

  /** applyRemote, for `origin` (whose transaction it is) and `except` (the peer not sent it back). */
  private accept(update: Uint8Array, userId: string, origin: unknown, except?: RoomPeer): number {
    if (this.takesDormant) {
      this.takeDormant(update)
      this.foldIfLong()
      this.broadcast(encodeUpdate(update), except)
      return this.appends.add({ update, userId })
    }
    try {
      Y.applyUpdate(this.doc, update, origin)
    } catch (error) {
      // Yjs threw part-way: on a frame it cannot integrate (checkUpdateV1 refuses the kinds known
      // to do that), or because an observer in this process threw after the update was in. Yjs
      // keeps what it integrated before it threw, so this document now holds (part of) a frame
      // that is never stored or sent on. The caller closes the sender, then drops the room
      // (`discard`), and the book reloads from the store without it.
      this.tainted = true
      throw error
    }
    this.broadcast(encodeUpdate(update), except)
    return this.appends.add({ update, userId })
  }

  /** The document holds (part of) an update that was refused (see applyRemote): it must not be used. */
  get isTainted(): boolean {
    return this.tainted
  }

  /** Drops the room (as after a store failure): its users reconnect to a freshly loaded one. */
  discard(error: unknown): void {
    this.o.onFailure(this, error)
  }

  /** Runs `change` on the doc as `userId` and resolves once what it changed is durable. */
  async change(userId: string, change: (doc: Y.Doc, origin: LocalOrigin) => void): Promise<StoredUpdate | null> {
    const origin: LocalOrigin = { kind: 'local', userId }
    let stored: StoredUpdate | null = null
    const appended = this.write(userId, origin, (doc) => change(doc, origin), (s) => (stored = s))
    if (appended === 0) return null
    await this.appends.whenThrough(appended)
    return stored
  }

  /**
   * Runs `change` on the doc in one transaction with `origin`, sends what it changed to the peers
   * and appends it as `userId`; returns its append number (durable once `durableThrough` reaches
   * it), or 0 when nothing changed. For server-side writers that hold the room (change(), the
   * in-process CRM bridge).
   */
  write(userId: string, origin: object | symbol, change: (doc: Y.Doc) => void, onStored?: (stored: StoredUpdate) => void): number {
    const doc = this.doc
    const updates: Uint8Array[] = []
    const collect = (u: Uint8Array, o: unknown) => o === origin && updates.push(u)
    doc.on('update', collect)
    let failure: { error: unknown } | null = null
    try {
      doc.transact(() => change(doc), origin)
    } catch (error) {
      // Yjs keeps what the transaction did before it threw: that must reach the store too.
      failure = { error }
    } finally {
      doc.off('update', collect)
    }
    const [update] = updates
    let appended = 0
    if (update) {
      this.broadcast(encodeUpdate(update))
      appended = this.appends.add({ update, userId }, onStored)
    }
    if (failure) throw failure.error
    return appended
  }

  /**
   * Keeps the decoded document (the same Y.Doc object) in memory until the returned function is
   * called: for a server-side user that holds on to the document and observes it.
   */
  holdAwake(): () => void {
    return this.book.holdAwake()
  }

  /** The number of the latest update this room accepted (see applyRemote). */
  get latestAppend(): number {
    return this.appendLog?.latest ?? 0
  }

  /** Every update accepted up to this number is durable. */
  get durableThrough(): number {
    return this.appendLog?.durableThrough ?? 0
  }

  /** `watcher` is told how far appends are durable until it says it no longer waits. */
  watchDurable(watcher: DurableWatcher): void {
    this.appends.watch(watcher)
  }

  unwatchDurable(watcher: DurableWatcher): void {
    this.appendLog?.unwatch(watcher)
  }

  /**
   * Resolves once every append started before this call is durable (rejects if one failed).
   * A frame's ack waits for this too: its sync step 2 was computed against a document that
   * may already hold changes whose appends are still in flight.
   */
  whenDurable(): Promise<void> {
    return this.appendLog ? this.appendLog.whenThrough(this.appendLog.latest) : Promise.resolve()
  }

  /** Resolves when every append started so far has settled. */
  async flush(): Promise<void> {
    await this.appendsSettled()
    await this.compacting
  }

  /** Waits until nothing accepted is on its way to the store (or an append failed). */
  private async appendsSettled(): Promise<void> {
    while (!this.appendsIdle && !this.appendFailed) await this.appends.settled()
  }

  /** Folds the log into a snapshot now (before unloading: the next load is one read, and dormant). */
  async foldLog(): Promise<void> {
    await this.flush()
    if (this.logLength === 0 || this.appendFailed) return
    this.scheduleCompaction()
    await this.compacting
  }

  destroy(): void {
    this.destroyed = true
    this.presenceState?.destroy()
    this.book.destroy()
    this.peers.clear()
  }

  broadcast(frame: Uint8Array, except?: RoomPeer): void {
    if (this.peers.size === 0) return
    const message = new BroadcastFrame(frame)
    for (const peer of this.peers) if (peer !== except) peer.deliver(message)
  }

  /**
   * Folds the log into a snapshot, in the background (`compacting`). `forHibernation`: the whole
   * state is made even when nothing new is to be folded, and stored only if a compaction is due;
   * the book adopts it as its encoding if it is exactly the document (see hibernate()).
   */
  private scheduleCompaction(forHibernation = false): void {
    if (this.compacting || this.appendFailed) return
    this.compacting = (async () => {
      // Wait until everything applied so far is durable, then fold it into a snapshot encoded
      // from this document (never Y.mergeUpdates over raw client bytes: yjs issue #687).
      await this.appendsSettled()
      if (this.appendFailed) return
      // Only the contiguous prefix: with several instances an entry beyond a gap may be missing here.
      // Nothing new to fold while a gap holds the prefix where the last snapshot left it.
      const upToSeq = this.seqs.contiguous
      if (upToSeq <= this.snapshotSeq && !forHibernation) return
      // For hibernation the snapshot is stored only when the policy calls for a compaction anyway:
      // a book going idle after a few edits must not rewrite its whole snapshot each time.
      const due = upToSeq > this.snapshotSeq && compactionDue(this.o.compaction, { entries: this.logLength, bytes: this.logBytes, snapshotBytes: this.snapshotBytes })
      // Every change to the document is stored, and all up to upToSeq are durable now: a snapshot
      // through upToSeq holds all the document does while no entry beyond it and no transaction came.
      const transactions = this.book.transactionCount
      const snapshot = await this.snapshotThrough(upToSeq)
      if (!snapshot) return
      if (forHibernation && snapshot.seq === upToSeq && this.seqs.highest === upToSeq && !this.isFailed) {
        this.book.adoptWholeState(snapshot.data, transactions, snapshot.known)
      }
      if (snapshot.written && forHibernation && !due) return
      // The worker's index of it goes along: the book loaded from the store is not walked again.
      if (snapshot.written) await this.o.store.compact(this.bookId, snapshot.data, snapshot.seq, snapshot.known?.index ? encodeIndexParts(snapshot.known.index) : undefined)
      // The store keeps the newest snapshot (another instance's may be ahead of this one).
      if (snapshot.seq >= this.snapshotSeq) {
        this.snapshotBytes = snapshot.data.length
        this.snapshotSeq = snapshot.seq
        this.rememberStoredSnapshot(snapshot)
      }
      // Read back rather than counted down: what follows the snapshot includes entries stored while
      // compacting and, with several instances, entries beyond a gap that were not folded. Read
      // before pruning: a prune that fails must not leave the policy thinking a compaction is due.
      const rest = await this.o.store.logSize(this.bookId)
      this.logLength = rest.entries
      this.logBytes = rest.bytes
      if (this.o.logRetentionMs !== null) await this.pruneFolded(Date.now() - this.o.logRetentionMs)
      if (snapshot.written) this.o.metrics.compactions.inc()
      this.o.log.debug({ bookId: this.bookId, upToSeq, bytes: snapshot.data.length }, 'book compacted')
    })()
      .catch((error: unknown) => this.o.log.error({ err: error, bookId: this.bookId }, 'compaction failed'))
      .finally(() => {
        this.compacting = null
      })
  }

  /**
   * The book's whole state as of `upToSeq` at least, to be written as the snapshot; null when the
   * compaction is off (an append failed, or the room was dropped). A big awake book is rebuilt and
   * encoded by the snapshot encoder from what the store holds (the snapshot and the entries up to
   * `upToSeq`), off the event loop; when another instance's snapshot already covers `upToSeq`,
   * that one stands (`written: false`). Otherwise, and if the encoder fails, it comes from this
   * document: dormant or not, its whole state (nothing is applied without waking), which may hold
   * entries beyond a gap too; stored entries apply again harmlessly.
   */
  private async snapshotThrough(upToSeq: number): Promise<{ data: Uint8Array; seq: number; written: boolean; known?: StateExtras } | null> {
    const encoder = this.o.snapshotEncoder
    if (encoder && this.encodesOffLoop) {
      const found: SourceFound = {}
      try {
        const encoded = await encoder.encode(() => this.compactionSource(upToSeq, found))
        if (found.covering) return { ...found.covering, written: false }
        if (encoded) {
          this.reportUnappliable(encoded.unappliable)
          this.o.metrics.snapshotsEncodedOffLoop.inc()
          // Made from the dormant book's own bytes: it is also the fold of its tail.
          if (found.fold && this.book.adoptFolded(found.fold, encoded.state, encoded)) this.o.metrics.dormantFolds.inc()
          return { data: encoded.state, known: encoded, seq: upToSeq, written: true }
        }
      } catch (error) {
        this.o.log.warn({ err: error, bookId: this.bookId }, 'encoding the snapshot off the event loop failed; encoding it here')
      }
      // The document took more while the encoder worked: what it holds must be durable before it
      // is stored as a snapshot, as when the compaction began.
      await this.appendsSettled()
      if (this.appendFailed || this.destroyed) return null
    }
    return { data: this.book.wholeState(), seq: upToSeq, written: true }
  }

  /**
   * What the worker rebuilds the book through `upToSeq` from: a dormant book's own encoding and
   * tail when they are exactly the entries through it (`found.fold` then, see dormantFoldThrough);
   * else the stored snapshot this room knows and the entries after it, while the store still holds
   * them all (another instance may have pruned them after compacting past it); else the store's
   * snapshot and log, read whole. Null, with `found.covering` set, when a stored snapshot already
   * covers `upToSeq`.
   */
  private async compactionSource(upToSeq: number, found: SourceFound): Promise<SnapshotSource | null> {
    const known = this.storedSnapshot
    if (known && known.seq >= upToSeq) {
      found.covering = known
      return null
    }
    const fold = this.dormantFoldThrough(upToSeq)
    if (fold) {
      found.fold = fold
      return { base: fold.base, updates: fold.updates }
    }
    if (known) {
      const count = upToSeq - known.seq
      const entries = await this.o.store.readSince(this.bookId, known.seq, count)
      if (entries.length === count && entries.every((e, i) => e.seq === known.seq + 1 + i)) {
        return { base: known.data, updates: entries.map((e) => e.update) }
      }
    }
    const stored = await this.o.store.load(this.bookId)
    if (stored.snapshot && stored.snapshotSeq >= upToSeq) {
      found.covering = { data: stored.snapshot, seq: stored.snapshotSeq }
      return null
    }
    const updates = stored.updates.filter((u) => u.seq <= upToSeq).map((u) => u.update)
    // Every entry up to upToSeq is applied here, so the store holds them all; checked anyway.
    if (stored.snapshotSeq + updates.length !== upToSeq) {
      throw new Error(`the stored log has ${updates.length} entries between the snapshot (seq ${stored.snapshotSeq}) and seq ${upToSeq}`)
    }
    return { base: stored.snapshot, updates }
  }

  /**
   * The dormant book's encoding and tail, when they hold exactly the log entries through `upToSeq`:
   * every update it took is stored (appends idle), and it has no entry missing or beyond. Built
   * from them, the snapshot needs no read of the store (16 MiB for the bench's book) and is the
   * fold of the tail too: adopted as the encoding, it is the stored snapshot the next compaction
   * starts from (kept, as it is no second copy), and the sweep has no tail left to fold.
   */
  private dormantFoldThrough(upToSeq: number): TailFold | null {
    if (!this.appendsIdle || this.appendFailed || this.seqs.hasGap || this.seqs.highest !== upToSeq) return null
    return this.book.foldSource()
  }

  /** Keeps `snapshot`, now the stored one, for the next compaction when the book is big (see storedSnapshot). */
  private rememberStoredSnapshot(snapshot: KnownSnapshot): void {
    this.storedSnapshot = isBig(this.o, this.snapshotBytes + this.logBytes) ? { data: snapshot.data, seq: snapshot.seq } : null
    if (this.book.isDormant) this.keepStoredSnapshotOnlyIfEncoding()
  }

  /**
   * Deletes the folded entries appended before `before`, one short transaction at a time: a
   * compaction of a big book folds more entries than one call deletes, and what one pass leaves
   * would otherwise pile up for good.
   */
  private async pruneFolded(before: number): Promise<void> {
    const batch = this.o.pruneBatch ?? PRUNE_LIMIT
    while ((await this.o.store.pruneLog(this.bookId, before, batch)) === batch) {
      // Between batches, appends waiting for the store get their turn.
    }
  }

  /** Sends a change to the book's presence to the peers (not back to its sender) and to other instances. */
  presenceChanged(update: Uint8Array, origin: unknown): void {
    this.broadcast(encodeAwareness(update), isPeer(origin) ? origin : undefined)
    if (origin !== this.o.fanOut.origin) this.o.fanOut.publishAwareness(this, update)
  }
}

/**
 * What the store kept beside a snapshot (`index`: where each client's structs sit, as the snapshot
 * worker walked them): a big book loaded dormant answers its first joining clients from it instead
 * of walking its bytes on the event loop. Index bytes that do not decode are left out (walked then).
 */
const storedExtras = (bookId: string, index: Uint8Array | null, o: RoomOptions): StateExtras => {
  if (!index) return {}
  try {
    return { index: decodeIndexParts(index) }
  } catch (error) {
    o.log.warn({ err: error, bookId }, 'the index stored with the snapshot does not decode; the book is walked instead')
    return {}
  }
}

/** What compactionSource found instead of a source (`covering`), or besides it (`fold`). */
interface SourceFound {
  covering?: KnownSnapshot
  fold?: TailFold
}

/** A snapshot the store holds: the book's whole state through `seq`. */
interface KnownSnapshot {
  readonly data: Uint8Array
  readonly seq: number
}

/** Whether `a` and `b` are views of the same bytes in memory (not merely equal ones). */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.buffer === b.buffer && a.byteOffset === b.byteOffset && a.byteLength === b.byteLength

/** Whether a book of `bytes` (snapshot and log) has its snapshots encoded, and its tail folded, by the worker. */
const isBig = (o: RoomOptions, bytes: number): boolean => o.snapshotEncoder !== null && bytes >= o.offloadEncodeFromBytes

/** An empty document's state (no structs, no deletions). */
const EMPTY_STATE = Y.encodeStateAsUpdate(new Y.Doc())

const isPeer = (o: unknown): o is RoomPeer => typeof o === 'object' && o !== null && 'deliver' in o && typeof o.deliver === 'function'
