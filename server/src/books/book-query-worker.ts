// Worker thread of book-query-runner.ts: decodes a dormant book (its encoded state and the
// updates it took since) and answers one read of it, so that the read does not wake the book on
// the relay's event loop (≈1 s for a 10,000-customer book, during which every book waits).
// The server's bundle builds this file as book-query-worker.mjs; from source, the .mjs of that
// name registers tsx and imports this.
import { parentPort, workerData } from 'node:worker_threads'
import { rebuildBook } from '../relay/rebuild-book'
import { runBookQuery, type BookQuery } from './book-query'

const { base, updates, query } = workerData as { base: Uint8Array; updates: readonly Uint8Array[]; query: BookQuery }
const { doc, unappliable } = rebuildBook(base, updates)
const { body, stateVector } = runBookQuery(doc, query)
// The encoder writes a buffer of its own: hand it over instead of copying.
parentPort!.postMessage({ body, stateVector, unappliable }, body ? [body.buffer as ArrayBuffer] : [])
