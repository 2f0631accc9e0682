// Sync lag in each direction over the most recent samples: p50, p95 and max for /api/sync/status
// (Prometheus gets the same samples through a Summary).

export interface LagFigures {
  readonly samples: number
  readonly p50Ms: number | null
  readonly p95Ms: number | null
  readonly maxMs: number | null
}

export class LagTracker {
  private readonly samples: number[] = []
  private next = 0

  constructor(private readonly capacity = 2000) {}

  add(ms: number): void {
    const v = Math.max(0, ms)
    if (this.samples.length < this.capacity) this.samples.push(v)
    else this.samples[this.next] = v
    this.next = (this.next + 1) % this.capacity
  }

  figures(): LagFigures {
    if (this.samples.length === 0) return { samples: 0, p50Ms: null, p95Ms: null, maxMs: null }
    const sorted = [...this.samples].sort((a, b) => a - b)
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number
    return { samples: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: sorted[sorted.length - 1] as number }
  }
}
