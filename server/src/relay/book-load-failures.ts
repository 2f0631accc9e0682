// Books that fail to load, for operators: each failure counted by the store's error code, and a
// book that keeps failing (a store that always times out on it, say, because its unfolded log takes
// longer to read than the statement timeout allows) logged as an error, once at the third failure
// in a row and then every tenth, so that it can be alerted on without a line per client retry.
import type { Logger } from 'pino'
import type { Metrics } from '../metrics'
import { isStoreError } from '../store/store-error'

/** Failures in a row at which a book is first reported, then every REPORT_EVERY after. */
export const REPORT_AFTER = 3
export const REPORT_EVERY = 10
/** Books whose failures in a row are remembered at most (the oldest forgotten first). */
const REMEMBERED = 10_000

export class BookLoadFailures {
  /** Failures in a row, by book: cleared by a successful load. */
  private readonly inARow = new Map<string, number>()

  constructor(private readonly o: { readonly metrics: Metrics; readonly log: Pick<Logger, 'error'> }) {}

  loaded(bookId: string, seconds: number): void {
    this.inARow.delete(bookId)
    this.o.metrics.bookLoadSeconds.observe(seconds)
  }

  failed(bookId: string, error: unknown): void {
    const reason = isStoreError(error) ? error.code : 'other'
    this.o.metrics.bookLoadFailures.inc({ reason })
    const failures = (this.inARow.get(bookId) ?? 0) + 1
    this.inARow.delete(bookId) // re-inserted last: the Map's order is least recently failed first
    this.inARow.set(bookId, failures)
    if (this.inARow.size > REMEMBERED) this.inARow.delete(this.inARow.keys().next().value!)
    if (failures === REPORT_AFTER || (failures > REPORT_AFTER && (failures - REPORT_AFTER) % REPORT_EVERY === 0)) {
      this.o.log.error({ err: error, bookId, failures, reason }, 'book keeps failing to load')
    }
  }

  /** Failures in a row of `bookId` so far (0: none, or it loaded since). */
  failuresOf(bookId: string): number {
    return this.inARow.get(bookId) ?? 0
  }
}
