// Failed book loads: counted by the store's error code, and a book that keeps failing logged as an
// error at the third failure in a row and every tenth after, until it loads.
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { createMetrics } from '../metrics'
import { StoreError } from '../store/store-error'
import { BookLoadFailures, REPORT_AFTER, REPORT_EVERY } from './book-load-failures'

const setUp = () => {
  const metrics = createMetrics()
  const lines: Array<{ msg: string; bookId: string; failures: number; reason: string }> = []
  const log = pino({ level: 'error' }, { write: (line: string) => void lines.push(JSON.parse(line)) })
  return { metrics, lines, failures: new BookLoadFailures({ metrics, log }) }
}
const counted = async (metrics: ReturnType<typeof createMetrics>) =>
  Object.fromEntries((await metrics.bookLoadFailures.get()).values.map((v) => [v.labels.reason, v.value]))

describe('BookLoadFailures', () => {
  it("counts each failure by the store's code, and anything else as 'other'", async () => {
    const { metrics, failures } = setUp()
    failures.failed('a', new StoreError('timeout', 'slow'))
    failures.failed('b', new StoreError('timeout', 'slow'))
    failures.failed('a', new StoreError('io', 'disk'))
    failures.failed('c', new Error('a bug'))
    expect(await counted(metrics)).toEqual({ timeout: 2, io: 1, other: 1 })
  })

  it('logs a book that keeps failing at the third failure in a row and every tenth after, not before', () => {
    const { lines, failures } = setUp()
    const timeout = new StoreError('timeout', 'statement cancelled')
    for (let i = 0; i < REPORT_AFTER - 1; i++) failures.failed('big', timeout)
    expect(lines).toEqual([])
    for (let i = 0; i < 1 + 2 * REPORT_EVERY; i++) failures.failed('big', timeout)
    expect(lines.map((l) => [l.msg, l.bookId, l.failures, l.reason])).toEqual([
      ['book keeps failing to load', 'big', REPORT_AFTER, 'timeout'],
      ['book keeps failing to load', 'big', REPORT_AFTER + REPORT_EVERY, 'timeout'],
      ['book keeps failing to load', 'big', REPORT_AFTER + 2 * REPORT_EVERY, 'timeout'],
    ])
  })

  it('starts counting again after a book loads, and times the loads', async () => {
    const { metrics, lines, failures } = setUp()
    failures.failed('b', new StoreError('timeout', 'slow'))
    failures.failed('b', new StoreError('timeout', 'slow'))
    failures.loaded('b', 0.2)
    expect(failures.failuresOf('b')).toBe(0)
    failures.failed('b', new StoreError('timeout', 'slow'))
    failures.failed('b', new StoreError('timeout', 'slow'))
    expect(lines).toEqual([]) // two in a row, twice: never three
    const histogram = (await metrics.bookLoadSeconds.get()).values
    expect(histogram.find((v) => v.metricName === 'crm_relay_book_load_seconds_count')?.value).toBe(1)
    expect(histogram.find((v) => v.metricName === 'crm_relay_book_load_seconds_sum')?.value).toBeCloseTo(0.2)
  })

  it('remembers a bounded number of failing books, forgetting the one that failed longest ago', () => {
    const { failures } = setUp()
    failures.failed('first', new Error('x'))
    failures.failed('second', new Error('x'))
    failures.failed('first', new Error('x')) // now the most recent
    for (let i = 0; i < 10_000 - 1; i++) failures.failed(`book-${i}`, new Error('x'))
    expect(failures.failuresOf('second')).toBe(0)
    expect(failures.failuresOf('first')).toBe(2)
  })
})
