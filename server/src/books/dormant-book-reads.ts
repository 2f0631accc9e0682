// Server-side reads of big dormant books, answered from their bytes on a worker thread
// (book-query-runner.ts) instead of waking them: a wake decodes the whole book on the event
// loop (≈1 s for 10,000 customers), and every book of the process waits meanwhile. The book stays
// dormant: it keeps taking clients' edits into its tail and serving syncing clients from bytes.
//
// Reads of one state share their answer: a read asked while an identical one runs, or after it,
// with nothing new in the book, is answered from it (fresh devices opening the same book all ask
// for its customer list). A few answers per book are kept, for a short while (a list of 10,000
// customers is megabytes of JSON).
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

interface SharedAnswers {
  /** The encoded state and tail length these answers were read from. */
  readonly state: object
  readonly tailLength: number
  readonly answers: Map<string, Promise<BookQueryResult>>
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
  private readonly shared = new WeakMap<Room, SharedAnswers>()

  constructor(private readonly o: DormantBookReadsOptions) {}

  /** Answers `query` on `room`'s book: from its bytes on a worker while it is big and dormant, on its document otherwise. */
  read(room: Room, query: BookQuery): Promise<BookQueryResult> {
    const bytes = room.dormantBytes()
    if (!bytes) return Promise.resolve(runBookQuery(room.doc, query))
    const answers = this.answersFor(room, bytes)
    const key = queryKey(query)
    const known = answers.get(key)
    if (known) {
      this.o.metrics.dormantReads.inc({ outcome: 'shared' })
      return known
    }
    const answer = this.onWorker(room, bytes, query)
    answers.set(key, answer)
    while (answers.size > MAX_SHARED_ANSWERS) answers.delete(answers.keys().next().value!)
    const forget = () => {
      if (answers.get(key) === answer) answers.delete(key)
    }
    // A failed read is not shared: the next one tries again.
    answer.then(() => setTimeout(forget, this.o.shareAnswersMs ?? SHARE_ANSWERS_MS).unref(), forget)
    return answer
  }

  private answersFor(room: Room, bytes: DormantBytes): Map<string, Promise<BookQueryResult>> {
    const current = this.shared.get(room)
    if (current && current.state === bytes.state && current.tailLength === bytes.updates.length) return current.answers
    const fresh: SharedAnswers = { state: bytes.state, tailLength: bytes.updates.length, answers: new Map() }
    this.shared.set(room, fresh)
    return fresh.answers
  }

  private async onWorker(room: Room, bytes: DormantBytes, query: BookQuery): Promise<BookQueryResult> {
    try {
      const { json, stateVector, unappliable } = await this.o.runner.run(bytes, query)
      this.o.metrics.dormantReads.inc({ outcome: 'worker' })
      if (unappliable > 0) this.o.log.warn({ bookId: room.bookId, count: unappliable }, 'Yjs threw on updates of a dormant book read on a worker; what it kept of them is in')
      return { json, stateVector }
    } catch (error) {
      // The read still gets its answer: from the document, woken here.
      this.o.log.warn({ err: error, bookId: room.bookId }, 'reading a dormant book on a worker failed; waking it instead')
      this.o.metrics.dormantReads.inc({ outcome: 'woke' })
      return runBookQuery(room.doc, query)
    }
  }
}
