import { describe, expect, it } from 'vitest'
import { compactionDue, compactionPolicy } from './compaction-policy'

describe('compactionDue', () => {
  const p = compactionPolicy(1000)

  it('waits for the minimum number of entries, however many bytes they hold', () => {
    expect(compactionDue(p, { entries: 999, bytes: 10_000_000, snapshotBytes: 0 })).toBe(false)
    expect(compactionDue(p, { entries: 1000, bytes: 40_000, snapshotBytes: 0 })).toBe(true)
  })

  it('compacts a small book at the minimum, as a fixed threshold did', () => {
    expect(compactionDue(p, { entries: 1000, bytes: 40_000, snapshotBytes: 400_000 })).toBe(true)
  })

  it('lets the log of a big book grow to a tenth of its snapshot', () => {
    const big = 16 * 2 ** 20
    expect(compactionDue(p, { entries: 1000, bytes: 40_000, snapshotBytes: big })).toBe(false)
    expect(compactionDue(p, { entries: 40_000, bytes: big / 10 - 1, snapshotBytes: big })).toBe(false)
    expect(compactionDue(p, { entries: 40_000, bytes: big / 10, snapshotBytes: big })).toBe(true)
  })

  it('compacts after 50 times the minimum entries, so a load never replays more', () => {
    expect(p.maxEntries).toBe(50_000)
    expect(compactionDue(p, { entries: 49_999, bytes: 1_000_000, snapshotBytes: 1e9 })).toBe(false)
    expect(compactionDue(p, { entries: 50_000, bytes: 1_000_000, snapshotBytes: 1e9 })).toBe(true)
  })

  it('takes another share and cap', () => {
    const q = compactionPolicy(10, 0.5, 3)
    expect(compactionDue(q, { entries: 10, bytes: 49, snapshotBytes: 100 })).toBe(false)
    expect(compactionDue(q, { entries: 10, bytes: 50, snapshotBytes: 100 })).toBe(true)
    expect(compactionDue(q, { entries: 30, bytes: 0, snapshotBytes: 100 })).toBe(true)
  })
})
