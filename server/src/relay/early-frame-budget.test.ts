import { describe, expect, it } from 'vitest'
import { EarlyFrameBudget } from './early-frame-budget'

describe('EarlyFrameBudget', () => {
  it('refuses a frame that would pass the connection limit, counting what the queue holds', () => {
    const budget = new EarlyFrameBudget(100, 1000)
    expect(budget.take(0, 60)).toBeNull()
    expect(budget.take(60, 40)).toBeNull()
    expect(budget.take(100, 1)).toBe('connection')
    expect(budget.take(0, 101)).toBe('connection')
    expect(budget.usedBytes).toBe(100)
  })

  it("refuses a frame that would pass the relay's limit, and takes it again once bytes are given back", () => {
    const budget = new EarlyFrameBudget(100, 250)
    expect(budget.take(0, 100)).toBeNull()
    expect(budget.take(0, 100)).toBeNull()
    expect(budget.take(0, 60)).toBe('relay')
    expect(budget.usedBytes).toBe(200)
    budget.give(100)
    expect(budget.take(0, 60)).toBeNull()
    expect(budget.usedBytes).toBe(160)
  })

  it('reports the bytes held after every change', () => {
    const reported: number[] = []
    const budget = new EarlyFrameBudget(100, 250, (bytes) => reported.push(bytes))
    budget.take(0, 40)
    budget.take(0, 100)
    budget.take(0, 200) // refused: nothing changed
    budget.give(40)
    budget.give(0)
    expect(reported).toEqual([40, 140, 100])
  })

  it('a connection limit is checked before the relay limit', () => {
    const budget = new EarlyFrameBudget(10, 10)
    expect(budget.take(0, 10)).toBeNull()
    expect(budget.take(10, 1)).toBe('connection')
    expect(budget.take(0, 1)).toBe('relay')
  })

  it('refuses limits that cannot work, and a give that was never taken', () => {
    expect(() => new EarlyFrameBudget(0, 10)).toThrow(RangeError)
    expect(() => new EarlyFrameBudget(20, 10)).toThrow(RangeError)
    const budget = new EarlyFrameBudget(10, 10)
    expect(() => budget.give(1)).toThrow(/more given back than taken/)
    expect(budget.take(0, 10)).toBeNull() // the refused give left the count as it was
  })
})
