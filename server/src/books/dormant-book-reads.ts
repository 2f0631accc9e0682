// Server-side reads of big dormant books, answered from their bytes on a worker thread
// (book-query-runner.ts) instead of waking them: a wake decodes the whole book on the event
// loop (≈1 s for 10,000 customers), and every book of the process waits meanwhile. The book stays
// dormant: it keeps taking clients' edits into its tail and serving syncing clients from bytes.
//
// Reads of one state share their answer: a read asked while an identical one runs, or after it,
// with nothing new in the book, is answered from it (fresh devices opening the same book all ask
// for its customer list). A few answers per book are kept, for a short while (a list of 10,000
// customers is megabytes of JSON). A book read often on the worker is woken instead (see
// WAKE_AFTER_WORKER_READS).
import type { Logger } from 'pino'
import type { Metrics } from '../metrics'
import type { Room } from '../relay/room'
import type { DormantBytes } from '../relay/room-document'
import { queryKey, runBookQuery, type BookQuery, type BookQueryResult } from './book-query'
import type { BookQueryRunner } from './book-query-runner'

/** Answers kept per book, for its current state; the oldest goes first. */
export const MAX_SHARED_ANSWERS = 8
/** How long an answer is kept after it was made. */
export const SHARE_ANSWERS_MS = 30_000
/**
 * Worker reads of one encoded state (until a fold or a wake replaces it) after which the next read
 * wakes the book: each worker read decodes the whole book again, so reads that keep coming (a REST
 * client walking the customers one by one) cost less on the document, woken once.
 */
export const WAKE_AFTER_WORKER_READS = 4

interface BookReads {
  /** The encoded state these reads were of, and how many ran on the worker. */
  readonly state: object
  workerReads: number
  /** The answers shared, read at this length of the tail. */
  tailLength: number
  answers: Map<string, Promise<BookQueryResult>>
}

export interface DormantBookReadsOptions {
  readonly runner: BookQueryRunner
  readonly metrics: Metrics
  readonly log: Logger
  /** See SHARE_ANSWERS_MS (tests). */
  readonly shareAnswersMs?: number
}

export class DormantBookReads {
  /** Per room: dropped with it. */
  private readonly reads = new WeakMap<Room, BookReads>()

  constructor(private readonly o: DormantBookReadsOptions) {}

  /** Answers `query` on `room`'s book: from its bytes on a worker while it is big and dormant, on its document otherwise. */
  read(room: Room, query: BookQuery): Promise<BookQueryResult> {
    const inPlace = () => runBookQuery(room.doc, query)
    return this.fromBytes(room, query, inPlace) ?? Promise.resolve(inPlace())
  }

  /**
   * Answers `query` from the bytes of `room`'s book on a worker while it is big and dormant; null
   * when it is not, when it is read often, or when the worker fails: the caller reads the document
   * its own way (an export streams it a chunk at a time rather than build it whole here).
   */
  async readIfDormant(room: Room, query: BookQuery): Promise<BookQueryResult | null> {
    return (await this.fromBytes(room, query, () => null)) ?? null
  }

  /** A worker's answer (shared as described above), or `otherwise()` if it fails; null where the bytes are not to be read. */
  private fromBytes<F>(room: Room, query: BookQuery, otherwise: () => F): Promise<BookQueryResult | F> | null {
    const bytes = room.dormantBytes()
    if (!bytes) return null
    const reads = this.readsOf(room, bytes)
    const key = queryKey(query)
    const known = reads.answers.get(key)
    if (known) {
      this.o.metrics.dormantReads.inc({ outcome: 'shared' })
      // Its failure is the first reader's to report: this one reads its own way too.
      return known.catch(() => otherwise())
    }
    if (reads.workerReads >= WAKE_AFTER_WORKER_READS) {
      this.o.metrics.dormantReads.inc({ outcome: 'frequent' })
      return null
    }
    reads.workerReads++
    const answers = reads.answers
    const answer = this.onWorker(room, bytes, query)
    answers.set(key, answer)
    while (answers.size > MAX_SHARED_ANSWERS) answers.delete(answers.keys().next().value!)
    const forget = () => {
      if (answers.get(key) === answer) answers.delete(key)
    }
    // A failed read is not shared: the next one tries again.
    answer.then(() => setTimeout(forget, this.o.shareAnswersMs ?? SHARE_ANSWERS_MS).unref(), forget)
    return answer.catch((error: unknown) => {
      // The read still gets its answer, from the document (woken here) or however the caller reads it.
      this.o.log.warn({ err: error, bookId: room.bookId }, 'reading a dormant book on a worker failed; waking it instead')
      this.o.metrics.dormantReads.inc({ outcome: 'failed' })
      return otherwise()
    })
  }

  private readsOf(room: Room, bytes: DormantBytes): BookReads {
    const current = this.reads.get(room)
    if (current?.state === bytes.state) {
      if (current.tailLength !== bytes.updates.length) {
        current.tailLength = bytes.updates.length
        current.answers = new Map()
      }
      return current
    }
    const fresh: BookReads = { state: bytes.state, workerReads: 0, tailLength: bytes.updates.length, answers: new Map() }
    this.reads.set(room, fresh)
    return fresh
  }

  private async onWorker(room: Room, bytes: DormantBytes, query: BookQuery): Promise<BookQueryResult> {
    const { body, stateVector, unappliable } = await this.o.runner.run(bytes, query)
    this.o.metrics.dormantReads.inc({ outcome: 'worker' })
    if (unappliable > 0) this.o.log.warn({ bookId: room.bookId, count: unappliable }, 'Yjs threw on updates of a dormant book read on a worker; what it kept of them is in')
    return { body, stateVector }
  }
}
