// Server-side writes (the HTTP API's) to big dormant books, made on a worker thread (book-query-
// runner.ts) instead of waking them: the worker rebuilds the book from its bytes, makes the write
// and hands back the Yjs update it wrote, which the room takes as the writer's change (into the
// book's tail, sent to every client, durable before the answer). A wake decodes the whole book on
// the event loop (≈1–2 s for 10,000 customers), and every book of the process waits meanwhile: a
// REST integration's occasional PATCH to a big book nobody has open did exactly that.
// A book written often on the worker is woken instead (WAKE_AFTER_WORKER_WRITES): each job
// decodes the whole book again, where the woken book takes every further write in microseconds.
import type { Logger } from 'pino'
import type { Metrics } from '../metrics'
import type { Room } from '../relay/room'
import { applyBookMutation, outcomeOf, type BookMutation, type MutationOutcome } from './book-mutation'
import type { BookQueryRunner, WorkerMutationResult } from './book-query-runner'

/** Worker writes to one encoded state (until a fold or a wake replaces it) after which the next write wakes the book. */
export const WAKE_AFTER_WORKER_WRITES = 4

export interface DormantBookWritesOptions {
  readonly runner: BookQueryRunner
  readonly metrics: Metrics
  readonly log: Logger
}

export class DormantBookWrites {
  /** Per room (dropped with it): the encoded state last written on the worker, and how often. */
  private readonly writes = new WeakMap<Room, { state: object; count: number }>()

  constructor(private readonly o: DormantBookWritesOptions) {}

  /**
   * Makes `mutation` as `userId` on `room`'s book: on a worker while it is big and dormant, on its
   * document otherwise. Resolves with how it ended once what it wrote is durable; a model error
   * (a field the model refuses, say) rejects as it would on the document, with nothing written.
   */
  async write(room: Room, mutation: BookMutation, userId: string): Promise<MutationOutcome> {
    const bytes = room.dormantBytes()
    if (!bytes) return onDocument(room, mutation, userId)
    const seen = this.writes.get(room)
    const written = seen?.state === bytes.state ? seen : { state: bytes.state, count: 0 }
    this.writes.set(room, written)
    if (written.count >= WAKE_AFTER_WORKER_WRITES) {
      this.o.metrics.dormantWrites.inc({ outcome: 'frequent' })
      return onDocument(room, mutation, userId)
    }
    written.count++
    let result: WorkerMutationResult
    try {
      result = await this.o.runner.mutate(bytes, mutation, userId)
    } catch (error) {
      // The write still happens: on the document, woken here.
      this.o.log.warn({ err: error, bookId: room.bookId }, 'writing to a dormant book on a worker failed; waking it instead')
      this.o.metrics.dormantWrites.inc({ outcome: 'failed' })
      return onDocument(room, mutation, userId)
    }
    this.o.metrics.dormantWrites.inc({ outcome: 'worker' })
    if (result.unappliable > 0) this.o.log.warn({ bookId: room.bookId, count: result.unappliable }, 'Yjs threw on updates of a dormant book rebuilt on a worker; what it kept of them is in')
    const outcome = outcomeOf(result.made)
    if (!result.made.error && result.made.update) await room.applyMade(result.made.update, userId)
    return outcome
  }
}

/** `mutation` on the room's document (woken if dormant), durable when this resolves. */
export const onDocument = async (room: Room, mutation: BookMutation, userId: string): Promise<MutationOutcome> => {
  let outcome: MutationOutcome = { kind: 'not-found' }
  await room.change(userId, (doc, origin) => {
    outcome = applyBookMutation(doc, mutation, userId, origin)
  })
  return outcome
}
