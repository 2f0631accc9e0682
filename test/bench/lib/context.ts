// Everything a scenario gets from the runner: full or smoke sizes, where to pin servers, how to
// log progress, and the 10,000-customer book that the scenarios share (built once, lazily).
import { buildBigBook, type BigBook } from './big-book'

export interface BenchContext {
  /** Small N and seconds, for CI (BENCH_SMOKE=1). */
  readonly smoke: boolean
  /** Core for servers under test (taskset); null when pinning is unavailable. */
  readonly serverCore: number | null
  /** Repetitions per measured configuration (medians are taken over these). */
  readonly repeats: number
  readonly log: (message: string) => void
  bigBook(): BigBook
}

export const createContext = (o: Omit<BenchContext, 'bigBook'> & { bigBookCustomers: number }): BenchContext => {
  let big: BigBook | null = null
  return {
    smoke: o.smoke,
    serverCore: o.serverCore,
    repeats: o.repeats,
    log: o.log,
    bigBook: () => (big ??= buildBigBook(o.bigBookCustomers)),
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
