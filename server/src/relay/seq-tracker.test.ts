import { describe, expect, it } from 'vitest'
import { SeqTracker } from './seq-tracker'

describe('SeqTracker', () => {
  it('advances the contiguous prefix and remembers what is beyond a gap', () => {
    const t = new SeqTracker(3)
    t.mark(5)
    expect([t.contiguous, t.highest, t.hasGap, t.has(4), t.has(5)]).toEqual([3, 5, true, false, true])
    t.mark(4)
    expect([t.contiguous, t.hasGap]).toEqual([5, false])
    t.mark(2)
    expect(t.contiguous).toBe(5)
  })

  it('advances in order without a gap, and keeps a gap found later', () => {
    const t = new SeqTracker()
    for (const seq of [1, 2, 3]) t.mark(seq)
    expect([t.contiguous, t.highest, t.hasGap]).toEqual([3, 3, false])
    t.mark(5)
    t.mark(4)
    expect([t.contiguous, t.highest, t.hasGap]).toEqual([5, 5, false])
  })

  it('jumps over a snapshot', () => {
    const t = new SeqTracker(1)
    t.mark(9)
    t.mark(11)
    t.markThrough(9)
    expect([t.contiguous, t.hasGap]).toEqual([9, true])
    t.mark(10)
    expect([t.contiguous, t.highest, t.hasGap]).toEqual([11, 11, false])
  })
})
