// Worker thread of book-query-runner.ts: decodes a dormant book (its encoded state and the
// updates it took since) and answers one read of it, or makes one write to it and hands back the
// update that write made, so that neither wakes the book on the relay's event loop (≈1 s for a
// 10,000-customer book, during which every book waits).
// The server's bundle builds this file as book-query-worker.mjs; from source, the .mjs of that
// name registers tsx and imports this.
import { parentPort, workerData } from 'node:worker_threads'
import { rebuildBook } from '../relay/rebuild-book'
import { makeBookMutation, type BookMutation } from './book-mutation'
import { runBookQuery, type BookQuery } from './book-query'

type Job = { base: Uint8Array; updates: readonly Uint8Array[] } & (
  | { query: BookQuery; mutation?: undefined }
  | { mutation: BookMutation; userId: string; query?: undefined }
)

const job = workerData as Job
const { doc, unappliable } = rebuildBook(job.base, job.updates)
if (job.mutation) {
  const made = makeBookMutation(doc, job.mutation, job.userId)
  parentPort!.postMessage({ made, unappliable }, made.error ? [] : ownBuffers(made.outcome.kind === 'written' ? made.outcome.answer : null, made.update))
} else {
  const { body, stateVector } = runBookQuery(doc, job.query)
  // The encoder writes a buffer of its own: hand it over instead of copying.
  parentPort!.postMessage({ body, stateVector, unappliable }, ownBuffers(body))
}

/** The buffers of `bytes` that hold nothing else, to hand over rather than copy. */
function ownBuffers(...bytes: (Uint8Array | null)[]): ArrayBuffer[] {
  return bytes.filter((b): b is Uint8Array => b !== null && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer).map((b) => b.buffer as ArrayBuffer)
}
