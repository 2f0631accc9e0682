// Worker thread of book-query-runner.ts: decodes a dormant book (its encoded state and the
// updates it took since) and answers one read of it, so that the read does not wake the book on
// the relay's event loop (≈1 s for a 10,000-customer book, during which every book waits).
// The server's bundle builds this file as book-query-worker.mjs; from source, the .mjs of that
// name registers tsx and imports this.
import { parentPort, workerData } from 'node:worker_threads'
import * as Y from 'yjs'
import { runBookQuery, type BookQuery } from './book-query'

const { base, updates, query } = workerData as { base: Uint8Array; updates: readonly Uint8Array[]; query: BookQuery }
const doc = new Y.Doc()
// As when the book wakes: an update Yjs throws on keeps what it integrated, the rest apply.
let unappliable = 0
doc.transact(() => {
  Y.applyUpdate(doc, base)
  for (const update of updates) {
    try {
      Y.applyUpdate(doc, update)
    } catch {
      unappliable++
    }
  }
})
const { body, stateVector } = runBookQuery(doc, query)
// The encoder writes a buffer of its own: hand it over instead of copying.
parentPort!.postMessage({ body, stateVector, unappliable }, body ? [body.buffer as ArrayBuffer] : [])
