// A book's whole state as one encoded Yjs update: what a room holds instead of a Y.Doc while
// nobody changes the book. Decoded, a book costs ~20x its encoded size in heap (the 10,000-
// customer bench book: 16 MiB encoded, ~300 MB as a Y.Doc), and connecting, syncing and
// presence need no decoded document: the state vector and the diff for a client's state vector
// are computed from the bytes (Yjs' update API), and a cold client gets the bytes as they are.
import * as Y from 'yjs'
import { encodeSyncStep2 } from '@crm-sync/protocol'

/**
 * Books smaller than this compute their state vector again for each joining client instead of
 * keeping it: for a small book that is microseconds, and the kept copy was a fifth of what an
 * idle book cost a server holding thousands of them. Bigger books keep it (a 16 MiB book's takes
 * tens of milliseconds to compute).
 */
export const KEEP_STATE_VECTOR_FROM_BYTES = 16 * 1024

export class EncodedState {
  /** Sync step 2 carrying the whole state: what a client with nothing receives. */
  readonly fullStep2: Uint8Array
  private readonly updateBytes: number
  private stateVectorCache: Uint8Array | null = null

  /**
   * `update` must be a whole state as `Y.encodeStateAsUpdate` writes it (or a stored snapshot of
   * one); `stateVector`, where the caller has it (from the document it encoded), saves a pass over
   * the whole update on the first client that joins.
   */
  constructor(update: Uint8Array, stateVector?: Uint8Array) {
    this.fullStep2 = encodeSyncStep2(update)
    this.updateBytes = update.length
    if (stateVector && update.length >= KEEP_STATE_VECTOR_FROM_BYTES) this.stateVectorCache = stateVector
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
    const stateVector = Y.encodeStateVectorFromUpdate(this.update)
    if (this.updateBytes >= KEEP_STATE_VECTOR_FROM_BYTES) this.stateVectorCache = stateVector
    return stateVector
  }

  /** Sync step 2 with what a client at `stateVector` lacks. */
  step2For(stateVector: Uint8Array): Uint8Array {
    return isEmptyStateVector(stateVector) ? this.fullStep2 : encodeSyncStep2(Y.diffUpdate(this.update, stateVector))
  }
}

/** A state vector of a client that has nothing: asks for everything. */
export const isEmptyStateVector = (sv: Uint8Array): boolean => sv.length === 1 && sv[0] === 0
