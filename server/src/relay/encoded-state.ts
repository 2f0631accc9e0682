// A book's whole state as one encoded Yjs update: what a room holds instead of a Y.Doc while
// nobody changes the book. Decoded, a book costs ~20x its encoded size in heap (the 10,000-
// customer bench book: 16 MiB encoded, ~300 MB as a Y.Doc), and connecting, syncing and
// presence need no decoded document: the state vector and the diff for a client's state vector
// are computed from the bytes (Yjs' update API), and a cold client gets the bytes as they are.
import * as Y from 'yjs'
import { encodeSyncStep2 } from '@crm-sync/protocol'

export class EncodedState {
  /** Sync step 2 carrying the whole state: what a client with nothing receives. */
  readonly fullStep2: Uint8Array
  /** The update inside `fullStep2` (a view of the same bytes, not a copy). */
  readonly update: Uint8Array
  private stateVectorCache: Uint8Array | null = null

  /** `update` must be a whole state as `Y.encodeStateAsUpdate` writes it (or a stored snapshot of one). */
  constructor(update: Uint8Array) {
    this.fullStep2 = encodeSyncStep2(update)
    this.update = this.fullStep2.subarray(this.fullStep2.length - update.length)
  }

  get byteLength(): number {
    return this.fullStep2.length
  }

  stateVector(): Uint8Array {
    return (this.stateVectorCache ??= Y.encodeStateVectorFromUpdate(this.update))
  }

  /** Sync step 2 with what a client at `stateVector` lacks. */
  step2For(stateVector: Uint8Array): Uint8Array {
    return isEmptyStateVector(stateVector) ? this.fullStep2 : encodeSyncStep2(Y.diffUpdate(this.update, stateVector))
  }
}

/** A state vector of a client that has nothing: asks for everything. */
export const isEmptyStateVector = (sv: Uint8Array): boolean => sv.length === 1 && sv[0] === 0
