// Reads of and writes to a big dormant book on a worker thread (book-query-worker.ts): the worker
// decodes the book's bytes and answers the read, or makes the write and hands back its update,
// and the relay's event loop only copies the bytes over. Waking
// the book instead decodes it on the event loop, and every book of the process waits meanwhile.
// One job at a time, each in a fresh worker (worker-job.ts), where the process has a second core.
import { availableParallelism } from 'node:os'
import { runWorkerJob, serialJobs, WorkerJobError } from '../relay/worker-job'
import type { BookMutation, MadeMutation } from './book-mutation'
import type { BookQuery, BookQueryResult } from './book-query'

/** A dormant book's bytes: its encoded state and the updates it took since, oldest first. */
export interface DormantBookBytes {
  readonly base: Uint8Array
  readonly updates: readonly Uint8Array[]
}

export interface WorkerQueryResult extends BookQueryResult {
  /** Updates Yjs threw on while the worker decoded the book (each kept what it integrated). */
  readonly unappliable: number
}

export interface WorkerMutationResult {
  readonly made: MadeMutation
  /** As for a read. */
  readonly unappliable: number
}

export interface BookQueryRunner {
  /** Answers `query` from `book`'s bytes on a worker. `book` is copied, not handed over. */
  run(book: DormantBookBytes, query: BookQuery): Promise<WorkerQueryResult>
  /** Makes `mutation` as `userId` on `book` rebuilt on a worker: the answer and the update it wrote. */
  mutate(book: DormantBookBytes, mutation: BookMutation, userId: string): Promise<WorkerMutationResult>
  /** Waits for the jobs already asked for; later calls to `run` reject with BookQueryError 'closed'. */
  close(): Promise<void>
}

export class BookQueryError extends WorkerJobError {
  override readonly name = 'BookQueryError'
}

/** A worker runner where this process may run on more than one core; null where it may not. */
export function bookQueryRunnerFor(cores = availableParallelism()): BookQueryRunner | null {
  return cores > 1 ? createWorkerBookQueryRunner() : null
}

export interface BookQueryRunnerOptions {
  /** The worker's module; by default book-query-worker.mjs beside this code (the bench passes the bundle's). */
  readonly workerUrl?: URL
}

export function createWorkerBookQueryRunner(o: BookQueryRunnerOptions = {}): BookQueryRunner {
  const jobs = serialJobs(() => new BookQueryError('closed', 'the book query runner is closed'))
  const url = o.workerUrl ?? new URL('./book-query-worker.mjs', import.meta.url)
  return {
    run: ({ base, updates }, query) =>
      jobs.run(() =>
        runWorkerJob<WorkerQueryResult>({
          url,
          // Copied: the book keeps its bytes, and serves syncing clients from them meanwhile.
          workerData: { base, updates, query },
          failed: (message, cause) => new BookQueryError('failed', `reading a dormant book: ${message}`, { cause }),
        }),
      ),
    mutate: ({ base, updates }, mutation, userId) =>
      jobs.run(() =>
        runWorkerJob<WorkerMutationResult>({
          url,
          workerData: { base, updates, mutation, userId },
          failed: (message, cause) => new BookQueryError('failed', `writing to a dormant book: ${message}`, { cause }),
        }),
      ),
    close: () => jobs.close(),
  }
}
