// Worker thread of snapshot-encoder.ts: rebuilds a book from its stored snapshot and log entries
// and encodes it as one update, with what the relay would otherwise work out on its event loop:
// the state vector, and for a big book its index (UpdateIndex: the first lagging client to join a
// 16 MiB book paid ≈50 ms for the walk). The server's bundle builds this file as
// snapshot-encode-worker.mjs; from source, the .mjs of that name registers tsx and imports this.
import { parentPort, workerData } from 'node:worker_threads'
import * as Y from 'yjs'
import { UpdateIndex, type UpdateIndexParts } from '@crm-sync/protocol'
import { rebuildBook } from './rebuild-book'

const {
  base,
  updates,
  headRoom = 0,
  indexFromBytes = Infinity,
} = workerData as { base: Uint8Array | null; updates: readonly Uint8Array[]; headRoom?: number; indexFromBytes?: number }
const { doc, unappliable } = rebuildBook(base, updates)
const encoded = Y.encodeStateAsUpdate(doc)
// Microseconds here, against a pass over the whole encoding (≈0.3 s for 16 MiB) on the relay's thread.
const stateVector = Y.encodeStateVector(doc)
doc.destroy()
// Handed over in shared memory allocated here, with `headRoom` bytes free in front for a frame's
// head: the relay keeps it as the book's encoded state, and hands it to later jobs, without
// allocating or copying it on its event loop (16 MiB of fresh memory cost it ≈45 ms on one host).
const shared = new Uint8Array(new SharedArrayBuffer(headRoom + encoded.length))
shared.set(encoded, headRoom)
const state = shared.subarray(headRoom)
let index: UpdateIndexParts | null = null
if (state.length >= indexFromBytes) {
  try {
    index = UpdateIndex.of(state).parts()
  } catch {
    // Not expected of what Yjs just encoded; the relay walks it itself then, or falls back to Yjs.
  }
}
parentPort!.postMessage({ state, stateVector, unappliable, headRoom, index })
