// A room's book, dormant or awake. Dormant, it is one encoded update (EncodedState) and no Y.Doc,
// plus the updates it took since (DormantTail): syncing clients are served from the bytes. The
// first access to `doc` decodes it (wakes it); `hibernate()` goes back once nobody used it since
// the last call. While awake, the encoded whole state is a cache that the next transaction drops.
import * as Y from 'yjs'
import { encodeSyncStep1, encodeSyncStep2 } from '@crm-sync/protocol'
import type { Metrics } from '../metrics'
import { DormantTail } from './dormant-tail'
import { EncodedState, isEmptyStateVector, type StateExtras } from './encoded-state'

/** See RoomDocument.dormantBytes. */
export interface DormantBytes {
  readonly base: Uint8Array
  readonly updates: readonly Uint8Array[]
  readonly state: object
}

export class RoomDocument {
  /** The decoded document, or null while dormant. */
  private live: Y.Doc | null = null
  /** The whole state encoded: the only copy while dormant, a cache of `live` while awake (null once stale). */
  private encoded: EncodedState | null
  /** Set on every use of the document; `hibernate()` only acts on a book left alone since its last call. */
  private used = false
  /** Server-side users holding the document (holdAwake): it does not hibernate meanwhile. */
  private awakeHolds = 0
  /** Made on the first wake: a book that stays dormant never needs it (idle memory per book). */
  private afterTransaction: (() => void) | null = null
  /**
   * Told of every document decoded by a wake (a room's watchers), before anything is applied to it.
   * An object with a method rather than a closure: no function per book (idle memory per book).
   */
  wakeListener: { documentWoke(doc: Y.Doc): void } | null = null
  /** Transactions on the live document so far (see adoptWholeState). */
  private transactions = 0
  /** Updates taken while dormant, not in `encoded` yet (made on the first). */
  private tail: DormantTail | null = null
  /** The state vector of `encoded` with the tail on top, while the tail is not empty. */
  private tailStateVector: Uint8Array | null = null

  private constructor(
    private readonly metrics: Metrics,
    state: EncodedState | null,
  ) {
    this.encoded = state
  }

  /**
   * A dormant book: `state` is a whole state as `Y.encodeStateAsUpdate` writes it (a stored
   * snapshot), and `updates` (log entries after it) its tail; `known`, what was stored with it.
   */
  static dormant(metrics: Metrics, state: Uint8Array, updates: readonly Uint8Array[] = [], known: StateExtras = {}): RoomDocument {
    const book = new RoomDocument(metrics, new EncodedState(state, known))
    for (const update of updates) book.takeDormant(update)
    return book
  }

  /** An awake book: the snapshot (if any) and the log entries after it, applied in one transaction. */
  static decoded(metrics: Metrics, snapshot: Uint8Array | null, updates: readonly Uint8Array[]): RoomDocument {
    const book = new RoomDocument(metrics, null)
    const doc = book.wake()
    doc.transact(() => {
      if (snapshot) Y.applyUpdate(doc, snapshot)
      for (const update of updates) Y.applyUpdate(doc, update)
    }, LOAD_ORIGIN)
    return book
  }

  /** The decoded document, decoded now if the book is dormant. */
  get doc(): Y.Doc {
    this.used = true
    return this.live ?? this.wake()
  }

  get isDormant(): boolean {
    return this.live === null
  }

  /** The decoded document if the book is awake, without counting as a use (null while dormant). */
  get liveDoc(): Y.Doc | null {
    return this.live
  }

  /** Sync step 1 (the book's state vector), without waking it. */
  syncStep1(): Uint8Array {
    if (this.live) return encodeSyncStep1(Y.encodeStateVector(this.live))
    if (!this.tail?.length) return encodeSyncStep1(this.encoded!.stateVector())
    return encodeSyncStep1((this.tailStateVector ??= this.tail.stateVector(this.encoded!.stateVector())))
  }

  /**
   * What a client at `stateVector` lacks, without waking the book: (dormant with a tail) each
   * update of the tail as a sync update, as the client would have got them had it been connected,
   * then sync step 2. Step 2 comes last because a client counts itself synced on it; what it gets
   * before, Yjs keeps pending until step 2 brings what that depends on. It gets some tail updates
   * again if it had them; Yjs applies those as no-ops.
   */
  syncReply(stateVector: Uint8Array): Uint8Array[] {
    if (isEmptyStateVector(stateVector)) return [...this.tailFrames(), this.fullState().fullStep2]
    if (this.live) return [encodeSyncStep2(Y.encodeStateAsUpdate(this.live, stateVector))]
    return [...this.tailFrames(), this.encoded!.step2For(stateVector)]
  }

  /** Updates taken while dormant and not folded into the encoded state yet: how many, how many bytes. */
  get tailLength(): number {
    return this.tail?.length ?? 0
  }

  get tailBytes(): number {
    return this.tail?.bytes ?? 0
  }

  /**
   * Takes a checked update (checkUpdateV1) into a dormant book without decoding it: it joins the
   * tail, which syncing clients get after the encoded state and which the next wake applies.
   */
  takeDormant(update: Uint8Array): void {
    if (this.live) throw new Error('takeDormant on an awake book')
    // A view of a bigger buffer (a socket's read) would keep all of it for as long as the tail does.
    ;(this.tail ??= new DormantTail()).add(update.byteLength === update.buffer.byteLength ? update : update.slice())
    this.tailStateVector = null
  }

  /**
   * What a fold of the tail starts from: the encoded state and the tail's updates so far. Hand it
   * back to `adoptFolded` with what was made of it.
   */
  foldSource(): TailFold | null {
    if (this.live || !this.tail?.length) return null
    return { base: this.encoded!.update, updates: this.tail.updates(), of: { encoded: this.encoded!, tail: this.tail } }
  }

  /**
   * Takes `state` (made elsewhere: `fold`'s base with its updates applied) as the encoded state,
   * and drops those updates from the tail; later ones stay. Returns whether it was taken: not if
   * the book woke meanwhile (even if it went back to sleep and took new updates), or was destroyed.
   */
  adoptFolded(fold: TailFold, state: Uint8Array, known: StateExtras = {}): boolean {
    if (this.live || this.encoded !== fold.of.encoded || this.tail !== fold.of.tail) return false
    this.encoded = new EncodedState(state, known)
    this.tail.dropOldest(fold.updates.length)
    this.tailStateVector = null
    return true
  }

  /**
   * The dormant book's bytes, for a read made elsewhere (a worker) without waking it: the encoded
   * state and the tail, oldest first; null while awake. `state` names the encoded state: the same
   * object until a fold or a wake replaces it, so with the tail's length it names what was read.
   */
  dormantBytes(): DormantBytes | null {
    // Also null for a dormant book with nothing encoded (an empty one), or a destroyed one.
    if (this.live || !this.encoded) return null
    return { base: this.encoded.update, updates: this.tail?.updates() ?? [], state: this.encoded }
  }

  /** Transactions on the document so far: a whole state made elsewhere is current while this has not moved. */
  get transactionCount(): number {
    return this.transactions
  }

  /** Whether the next `hibernate(false)` would drop the document: awake, unused since the last call, not held. */
  get idleSinceLastSweep(): boolean {
    return this.live !== null && !this.used && this.awakeHolds === 0
  }

  /**
   * Takes `state`, the whole state encoded elsewhere (a worker, from the stored entries this
   * document holds), as this document's encoding if no transaction ran on it since
   * `transactionCount` read `atCount`; the next hibernation then encodes nothing. Returns whether
   * it was taken. The caller vouches that `state` holds everything the document held then.
   */
  adoptWholeState(state: Uint8Array, atCount: number, known: StateExtras = {}): boolean {
    if (!this.live || this.encoded || this.transactions !== atCount) return false
    this.encoded = new EncodedState(state, known)
    return true
  }

  /** Whether `wholeState()` costs nothing: the book is dormant without a tail, or its encoding is current. */
  get hasWholeState(): boolean {
    return this.encoded !== null && !this.tail?.length
  }

  /** The whole state as one update (a compaction's snapshot); the cached one when it is current. A tail wakes the book. */
  wholeState(): Uint8Array {
    if (this.hasWholeState) return this.encoded!.update
    return Y.encodeStateAsUpdate(this.live ?? this.wake())
  }

  /**
   * Drops the decoded document, keeping the book encoded, if nothing used it since the last call,
   * nobody holds it awake and `busy` is false. Returns whether the book is dormant now.
   */
  hibernate(busy: boolean): boolean {
    if (!this.live) return true
    if (this.used || this.awakeHolds > 0 || busy) {
      this.used = false
      return false
    }
    const state = this.fullState()
    this.live.off('afterTransaction', this.afterTransaction!)
    this.live.destroy()
    this.live = null
    this.encoded = state
    this.metrics.bookHibernations.inc()
    return true
  }

  /** Keeps the decoded document (the same Y.Doc object) in memory until the returned function is called. */
  holdAwake(): () => void {
    this.awakeHolds++
    let released = false
    return () => {
      if (released) return
      released = true
      this.awakeHolds--
    }
  }

  destroy(): void {
    if (this.afterTransaction) this.live?.off('afterTransaction', this.afterTransaction)
    this.live?.destroy()
    this.live = null
    this.encoded = null
    this.tail = null
    this.tailStateVector = null
  }

  private tailFrames(): Uint8Array[] {
    return this.tail?.length ? this.tail.frames() : []
  }

  private fullState(): EncodedState {
    return (this.encoded ??= new EncodedState(Y.encodeStateAsUpdate(this.live!), { stateVector: Y.encodeStateVector(this.live!) }))
  }

  /**
   * The listener every live document gets, made once. Made here, not in wake(): a closure made
   * there would share wake()'s scope, which holds the document it decoded (its transaction
   * callback needs it), and keep that document in memory for as long as the room, asleep or not.
   */
  private transactionListener(): () => void {
    return (this.afterTransaction ??= () => {
      this.encoded = null
      this.transactions++
    })
  }

  /** Decodes the encoded state (none: an empty book) and the tail into the live document. */
  private wake(): Y.Doc {
    const doc = new Y.Doc({ gc: true })
    if (this.encoded) {
      const tail = this.tail?.updates() ?? []
      doc.transact(() => {
        Y.applyUpdate(doc, this.encoded!.update)
        for (const update of tail) {
          try {
            Y.applyUpdate(doc, update)
          } catch {
            // Stored already (see dormant-tail.ts): what Yjs kept of it is part of the book, as when
            // a room applies stored entries; the rest of the tail still applies.
            this.metrics.unappliableUpdates.inc()
          }
        }
      }, LOAD_ORIGIN)
      // With a tail the encoding is no longer the whole state.
      if (tail.length > 0) this.encoded = null
      this.tail = null
      this.tailStateVector = null
      this.metrics.bookWakes.inc()
    }
    // 'afterTransaction' (unlike 'update') costs Yjs no encoding; it drops the cached whole state.
    doc.on('afterTransaction', this.transactionListener())
    this.live = doc
    this.wakeListener?.documentWoke(doc)
    return doc
  }
}

const LOAD_ORIGIN = Symbol('load')

/** A fold of a dormant book's tail in the making (see foldSource). */
export interface TailFold {
  readonly base: Uint8Array
  readonly updates: readonly Uint8Array[]
  /** The encoded state and tail it was taken from: a fold of any others is stale. */
  readonly of: { readonly encoded: EncodedState; readonly tail: DormantTail }
}
