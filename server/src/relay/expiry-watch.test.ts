import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ExpiryWatch } from './expiry-watch'

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0)

describe('ExpiryWatch', () => {
  let expired: string[]
  let watch: ExpiryWatch<string>

  beforeEach(() => {
    vi.useFakeTimers({ now: T0 })
    expired = []
    watch = new ExpiryWatch((item) => expired.push(item))
  })
  afterEach(() => {
    watch.stop()
    vi.useRealTimers()
  })

  it('calls back for each item at its second, in order, whatever order they were added in', () => {
    watch.add('c', T0 + 3_000)
    watch.add('a', T0 + 1_000)
    watch.add('b', T0 + 2_000)
    watch.add('a2', T0 + 1_000)
    vi.advanceTimersByTime(999)
    expect(expired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(expired).toEqual(['a', 'a2'])
    vi.advanceTimersByTime(1_000)
    expect(expired).toEqual(['a', 'a2', 'b'])
    vi.advanceTimersByTime(1_000)
    expect(expired).toEqual(['a', 'a2', 'b', 'c'])
    expect(watch.size).toBe(0)
  })

  it('rounds a time up to its second, never calling back early', () => {
    watch.add('x', T0 + 1_200)
    vi.advanceTimersByTime(1_999)
    expect(expired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(expired).toEqual(['x'])
  })

  it('calls back on the next turn for a time already past', () => {
    watch.add('late', T0 - 5_000)
    expect(expired).toEqual([])
    vi.advanceTimersByTime(0)
    expect(expired).toEqual(['late'])
  })

  it('does not call back for a deleted item, and keeps the others', () => {
    watch.add('gone', T0 + 1_000)
    watch.add('kept', T0 + 1_000)
    watch.add('gone-too', T0 + 2_000)
    watch.delete('gone', T0 + 1_000)
    watch.delete('gone-too', T0 + 2_000)
    watch.delete('never-added', T0 + 1_000)
    vi.advanceTimersByTime(5_000)
    expect(expired).toEqual(['kept'])
  })

  it('arms for an earlier item added after a later one', () => {
    watch.add('later', T0 + 60_000)
    watch.add('sooner', T0 + 1_000)
    vi.advanceTimersByTime(1_000)
    expect(expired).toEqual(['sooner'])
  })

  it('notices within a minute what came due when the clock jumped forward (or the machine slept)', () => {
    watch.add('tomorrow', T0 + 24 * 3600 * 1000)
    vi.setSystemTime(T0 + 25 * 3600 * 1000) // the wall clock moves; the armed timer does not
    vi.advanceTimersByTime(59_999)
    expect(expired).toEqual([])
    vi.advanceTimersByTime(1)
    expect(expired).toEqual(['tomorrow'])
  })

  it('calls back every item due when one callback throws, and reports that one', () => {
    const failures: [string, unknown][] = []
    const throwing = new ExpiryWatch<string>(
      (item) => {
        if (item === 'bad') throw new Error('close failed')
        expired.push(item)
      },
      (item, error) => failures.push([item, error]),
    )
    throwing.add('a', T0 + 1_000)
    throwing.add('bad', T0 + 1_000)
    throwing.add('c', T0 + 1_000)
    vi.advanceTimersByTime(1_000)
    expect(expired).toEqual(['a', 'c'])
    expect(failures).toEqual([['bad', new Error('close failed')]])
    throwing.stop()
  })

  it('waits past setTimeout’s longest delay (24.8 days) instead of firing at once', () => {
    const days = (n: number) => n * 24 * 3600 * 1000
    watch.add('far', T0 + days(40))
    vi.advanceTimersByTime(days(30))
    expect(expired).toEqual([])
    vi.advanceTimersByTime(days(10))
    expect(expired).toEqual(['far'])
  })

  it('does not grow with clients that come and go at distinct times', () => {
    watch.add('stays', T0 + 3_600_000)
    for (let i = 0; i < 10_000; i++) {
      watch.add(`c${i}`, T0 + 10_000 + i * 1_000)
      watch.delete(`c${i}`, T0 + 10_000 + i * 1_000)
    }
    expect(watch.size).toBe(1)
    expect(watch.heapLength).toBeLessThan(100)
    vi.advanceTimersByTime(3_600_000)
    expect(expired).toEqual(['stays'])
  })

  it('stop() forgets everything and calls back no more', () => {
    watch.add('x', T0 + 1_000)
    watch.stop()
    vi.advanceTimersByTime(5_000)
    expect(expired).toEqual([])
  })
})
