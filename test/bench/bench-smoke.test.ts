// Keeps `npm run bench` working: every scenario at tiny sizes (BENCH_SMOKE sizes), checking that
// each ran and measured something. The numbers themselves mean nothing at these sizes.
import { describe, expect, it } from 'vitest'
import { runBench, renderResults } from './bench'

describe('benchmark smoke run', () => {
  it('runs every scenario at small sizes and renders the results', { timeout: 120_000 }, async () => {
    const result = await runBench({ smoke: true, serverCore: null, pinning: 'none (smoke test)', repeats: 1, only: [], log: () => {} })
    const byId = new Map(result.reports.map((r) => [r.id, r]))
    expect([...byId.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6, 7])
    for (const r of result.reports) expect(r.checks?.failed, `scenario ${r.id}: ${r.method}`).toBeUndefined()
    expect(byId.get(1)!.checks!.deliveredRuns).toBeGreaterThan(0)
    expect(byId.get(1)!.checks!.lost).toBe(0)
    expect(byId.get(3)!.checks!.reconnectBytes).toBeGreaterThan(0)
    expect(byId.get(5)!.checks!.ackedPerSecond).toBeGreaterThan(0)
    expect(byId.get(5)!.checks!.compactionStallRuns).toBe(2) // one on the event loop, one on a worker
    expect(byId.get(5)!.checks!.dormantEditRuns).toBe(2) // one waking the book, one into its tail
    const markdown = renderResults(result, { repeats: 1, smoke: true })
    expect(markdown).toContain('## 1. Fan-out')
    expect(markdown).toContain('## What limits it')
  })
})
