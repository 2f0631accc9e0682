// One job on a fresh worker thread, and a queue that runs such jobs one at a time. A job's worker
// starts with its input as workerData, posts one message (the result) and exits: its heap goes
// back whole, which matters when a job decodes a big book. Used for snapshots (snapshot-encoder.ts)
// and for reads of dormant books (books/book-query-runner.ts).
import { Worker } from 'node:worker_threads'

/** A job without a result: its queue was closed, or its worker failed. Each kind of job names a subclass. */
export abstract class WorkerJobError extends Error {
  constructor(
    readonly code: 'closed' | 'failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export interface WorkerJobOptions {
  /** The worker's module. */
  readonly url: URL
  readonly workerData: unknown
  /** Buffers to hand over instead of copying; copied after all if the runtime refuses. */
  readonly transfer?: readonly ArrayBuffer[]
  /** The error a failed job rejects with; `cause` is the worker's error, if it threw one. */
  readonly failed: (message: string, cause?: unknown) => Error
  /**
   * A job still running after this long is stopped and fails (WORKER_JOB_TIMEOUT_MS by default):
   * a worker that never answers (Yjs looping on some input) would otherwise hold its queue, and
   * every job behind it, for good.
   */
  readonly timeoutMs?: number
}

/** How long a job may run: a rebuild of the 16 MiB bench book takes 1.3–3 s on the hosts seen. */
export const WORKER_JOB_TIMEOUT_MS = 120_000

/** Runs one job; resolves with the message the worker posted. Not unref'd: jobs are short. */
export function runWorkerJob<T>({ url, workerData, transfer = [], failed, timeoutMs = WORKER_JOB_TIMEOUT_MS }: WorkerJobOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    // execArgv: only tsx's loader would be inherited; a worker that needs one registers it itself.
    const options = { workerData, execArgv: [] }
    let worker: Worker
    try {
      worker = new Worker(url, transfer.length > 0 ? { ...options, transferList: [...transfer] } : options)
    } catch {
      worker = new Worker(url, options) // a buffer that may not be transferred is copied
    }
    let result: { value: T } | null = null
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      void worker.terminate()
    }, timeoutMs)
    worker.once('message', (value: T) => {
      result = { value }
    })
    worker.once('error', (cause) => reject(failed('the worker thread threw', cause)))
    worker.once('exit', (code) => {
      clearTimeout(timer)
      if (result) resolve(result.value)
      else if (timedOut) reject(failed(`the worker thread gave no result in ${timeoutMs} ms and was stopped`))
      else reject(failed(`the worker thread exited (code ${code}) without a result`))
    })
  })
}

export interface SerialJobs {
  /** Runs `job` once the jobs before it have settled. */
  run<T>(job: () => Promise<T>): Promise<T>
  /** Waits for the jobs already asked for; `run` then throws `closedError()`. */
  close(): Promise<void>
}

/** One job at a time: each decodes a whole book, and the process has one core to spare. */
export function serialJobs(closedError: () => Error): SerialJobs {
  let queue: Promise<unknown> = Promise.resolve()
  let closed = false
  return {
    run(job) {
      if (closed) return Promise.reject(closedError())
      const next = queue.then(job)
      queue = next.catch(() => undefined)
      return next
    },
    async close() {
      closed = true
      await queue
    },
  }
}

/** Whether `bytes` may be handed to a worker as they are: it is the whole of its own buffer. */
export const ownsBuffer = (bytes: Uint8Array): boolean => bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
