// A book's whole state as one encoded Yjs update: what a room holds instead of a Y.Doc while
// nobody changes the book. Decoded, a book costs ~20x its encoded size in heap (the 10,000-
// customer bench book: 16 MiB encoded, ~300 MB as a Y.Doc), and connecting, syncing and
// presence need no decoded document: the state vector and the diff for a client's state vector
// are computed from the bytes (Yjs' update API), and a cold client gets the bytes as they are.
import * as Y from 'yjs'
import { encodeSyncStep2, encodeSyncStep2InPlace, UpdateIndex, type UpdateIndexParts } from '@crm-sync/protocol'
import { claimHeadRoom } from '../framable-bytes'

/**
 * Books smaller than this compute their state vector again for each joining client instead of
 * keeping it: for a small book that is microseconds, and the kept copy was a fifth of what an
 * idle book cost a server holding thousands of them. Bigger books keep it (a 16 MiB book's takes
 * tens of milliseconds to compute).
 */
export const KEEP_STATE_VECTOR_FROM_BYTES = 16 * 1024

/**
 * Books from this size are indexed (UpdateIndex: where each client's structs sit) on the first
 * diff or state vector asked of them: one walk over the bytes, after which a lagging client's
 * diff is a few byte copies. `Y.diffUpdate` reads every struct of the book into objects for each
 * client (≈0.3–0.6 s for the 16 MiB bench book, on the event loop).
 */
export const INDEX_FROM_BYTES = 256 * 1024

/**
 * Books from this size keep their encoding in shared memory: the worker jobs that read it (folds,
 * the API's reads) then take it without a copy, where a copy of 16 MiB cost the event loop ≈45 ms
 * on a host where fresh memory faults in slowly. The snapshot worker hands its results over so.
 */
export const SHARE_FROM_BYTES = 1 << 20

/** Room left in front of a shared encoding for sync step 2's head. */
const HEAD_ROOM = 16

/** What whoever encoded a state knows of it, so that the relay's event loop need not work it out. */
export interface StateExtras {
  /** Its state vector (from the document it encoded): saves a pass over the whole update on the first client that joins. */
  readonly stateVector?: Uint8Array
  /**
   * Bytes before the update in its buffer that are free (the snapshot worker makes its result so):
   * sync step 2's head is written there instead of copying the update into a frame (16 MiB for the
   * bench book, ≈45 ms of the event loop on a host where fresh memory faults in slowly).
   */
  readonly headRoom?: number
  /** Its index (UpdateIndex.parts), walked by the worker: saves the walk on the first lagging client. */
  readonly index?: UpdateIndexParts | null
}

export class EncodedState {
  /** Sync step 2 carrying the whole state: what a client with nothing receives. */
  readonly fullStep2: Uint8Array
  private readonly updateBytes: number
  private stateVectorCache: Uint8Array | null = null
  /** Made on first use for a big book; false once the walk failed (Yjs' functions answer then). */
  private indexCache: UpdateIndex | false | null = null

  /**
   * `update` must be a whole state as `Y.encodeStateAsUpdate` writes it (or a stored snapshot of
   * one). `known` is what whoever encoded it knows of it (StateExtras).
   */
  constructor(update: Uint8Array, known: StateExtras = {}) {
    // Room in front given by whoever encoded it, or handed over with bytes a store put together.
    const { stateVector, headRoom = claimHeadRoom(update), index } = known
    this.fullStep2 =
      (headRoom > 0 ? encodeSyncStep2InPlace(update, headRoom) : null) ??
      (update.length >= SHARE_FROM_BYTES ? sharedStep2(update) : encodeSyncStep2(update))
    this.updateBytes = update.length
    if (stateVector && update.length >= KEEP_STATE_VECTOR_FROM_BYTES) this.stateVectorCache = stateVector
    if (index && update.length >= INDEX_FROM_BYTES) {
      try {
        this.indexCache = UpdateIndex.fromParts(this.update, index)
      } catch {
        // Not parts of these bytes: the index is made here on first use, as without them.
      }
    }
  }

  /** The update inside `fullStep2` (a view of the same bytes, not a copy; made per call, not kept). */
  get update(): Uint8Array {
    return this.fullStep2.subarray(this.fullStep2.length - this.updateBytes)
  }

  get byteLength(): number {
    return this.fullStep2.length
  }

  stateVector(): Uint8Array {
    if (this.stateVectorCache) return this.stateVectorCache
    const index = this.index()
    const stateVector = index ? index.stateVector() : Y.encodeStateVectorFromUpdate(this.update)
    if (this.updateBytes >= KEEP_STATE_VECTOR_FROM_BYTES) this.stateVectorCache = stateVector
    return stateVector
  }

  /** Sync step 2 with what a client at `stateVector` lacks. */
  step2For(stateVector: Uint8Array): Uint8Array {
    if (isEmptyStateVector(stateVector)) return this.fullStep2
    const index = this.index()
    return encodeSyncStep2(index ? index.diff(stateVector) : Y.diffUpdate(this.update, stateVector))
  }

  /** The index of a big book's update, made on first use; null for a small one (or if the walk failed). */
  private index(): UpdateIndex | null {
    if (this.updateBytes < INDEX_FROM_BYTES || this.indexCache === false) return null
    if (this.indexCache) return this.indexCache
    try {
      return (this.indexCache = UpdateIndex.of(this.update))
    } catch {
      // Not expected of a state Yjs encoded; Yjs' own functions read it then, or throw as before.
      this.indexCache = false
      return null
    }
  }
}

/** Sync step 2 of `update`, copied into shared memory (see SHARE_FROM_BYTES). */
const sharedStep2 = (update: Uint8Array): Uint8Array => {
  const room = new Uint8Array(new SharedArrayBuffer(HEAD_ROOM + update.length))
  room.set(update, HEAD_ROOM)
  return encodeSyncStep2InPlace(room.subarray(HEAD_ROOM), HEAD_ROOM)!
}

/** A state vector of a client that has nothing: asks for everything. */
export const isEmptyStateVector = (sv: Uint8Array): boolean => sv.length === 1 && sv[0] === 0
