// A room's book, dormant or awake. Dormant, it is one encoded update (EncodedState) and no Y.Doc:
// syncing clients is served from the bytes. The first access to `doc` decodes it (wakes it);
// `hibernate()` goes back once nobody used it since the last call. While awake, the encoded
// whole state is a cache that the next transaction drops.
import * as Y from 'yjs'
import { encodeSyncStep1, encodeSyncStep2 } from '@crm-sync/protocol'
import type { Metrics } from '../metrics'
import { EncodedState, isEmptyStateVector } from './encoded-state'

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
  /** Transactions on the live document so far (see adoptWholeState). */
  private transactions = 0

  private constructor(
    private readonly metrics: Metrics,
    state: EncodedState | null,
  ) {
    this.encoded = state
  }

  /** A dormant book: `state` is a whole state as `Y.encodeStateAsUpdate` writes it (a stored snapshot). */
  static dormant(metrics: Metrics, state: Uint8Array): RoomDocument {
    return new RoomDocument(metrics, new EncodedState(state))
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

  /** Sync step 1 (the book's state vector), without waking it. */
  syncStep1(): Uint8Array {
    return encodeSyncStep1(this.live ? Y.encodeStateVector(this.live) : this.encoded!.stateVector())
  }

  /** Sync step 2 with what a client at `stateVector` lacks, without waking the book. */
  syncStep2(stateVector: Uint8Array): Uint8Array {
    if (isEmptyStateVector(stateVector)) return this.fullState().fullStep2
    return this.live ? encodeSyncStep2(Y.encodeStateAsUpdate(this.live, stateVector)) : this.encoded!.step2For(stateVector)
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
  adoptWholeState(state: Uint8Array, atCount: number): boolean {
    if (!this.live || this.encoded || this.transactions !== atCount) return false
    this.encoded = new EncodedState(state)
    return true
  }

  /** Whether `wholeState()` costs nothing: the book is dormant, or its encoding is current. */
  get hasWholeState(): boolean {
    return this.encoded !== null
  }

  /** The whole state as one update (a compaction's snapshot); the cached one when it is current. */
  wholeState(): Uint8Array {
    return this.encoded?.update ?? Y.encodeStateAsUpdate(this.live!)
  }

  /** Sync step 2 for a client with nothing (cold sync), encoded once per document version. */
  fullStateStep2(): Uint8Array {
    return this.fullState().fullStep2
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
  }

  private fullState(): EncodedState {
    return (this.encoded ??= new EncodedState(Y.encodeStateAsUpdate(this.live!)))
  }

  /** Decodes the encoded state (none: an empty book) into the live document. */
  private wake(): Y.Doc {
    const doc = new Y.Doc({ gc: true })
    if (this.encoded) {
      Y.applyUpdate(doc, this.encoded.update, LOAD_ORIGIN)
      this.metrics.bookWakes.inc()
    }
    // 'afterTransaction' (unlike 'update') costs Yjs no encoding; it drops the cached whole state.
    doc.on(
      'afterTransaction',
      (this.afterTransaction ??= () => {
        this.encoded = null
        this.transactions++
      }),
    )
    this.live = doc
    return doc
  }
}

const LOAD_ORIGIN = Symbol('load')
