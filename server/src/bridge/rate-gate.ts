// The bridge's client-side rate limiter: keeps requests under the CRM's rolling windows (HubSpot:
// 100 per 10 s, search 5 per s) and holds every caller back when a 429 names a window to wait out.
// Bottleneck (the SDK's limiter) has no notion of "pause everything until t" driven by a 429, and
// the SDK installs it through a process-wide singleton, so the bridge keeps this small gate instead.

export type RequestKind = 'standard' | 'search'

export interface RateGateOptions {
  /** Rolling window of standard requests and how many may start in it. */
  windowMs: number
  maxPerWindow: number
  /** Window of search requests (HubSpot: 1 s) and how many may start in it. */
  searchWindowMs: number
  searchMaxPerWindow: number
  /** Requests in flight at once. */
  maxConcurrent: number
  clock?: () => number
}

interface Lane {
  readonly windowMs: number
  readonly max: number
  starts: number[]
}

export class RateGate {
  private readonly lanes: Record<RequestKind, Lane>
  private readonly clock: () => number
  private inFlight = 0
  private pausedUntil = 0
  private readonly waiters: Array<() => void> = []
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly options: RateGateOptions) {
    this.clock = options.clock ?? Date.now
    this.lanes = {
      standard: { windowMs: options.windowMs, max: options.maxPerWindow, starts: [] },
      search: { windowMs: options.searchWindowMs, max: options.searchMaxPerWindow, starts: [] },
    }
  }

  /** Waits for a slot, then counts the request as started. Call `release()` when it ends. */
  async acquire(kind: RequestKind, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted()
      const wait = this.waitMs(kind)
      if (wait === 0) {
        this.lanes[kind].starts.push(this.clock())
        this.inFlight++
        return
      }
      await this.sleep(wait)
    }
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1)
    this.wake()
  }

  /** Nobody starts a request before `until` (a 429's window). */
  pause(until: number): void {
    if (until > this.pausedUntil) this.pausedUntil = until
  }

  get queued(): number {
    return this.waiters.length
  }

  /** Wakes every waiter so aborted callers can leave; used on stop. */
  wakeAll(): void {
    this.wake()
  }

  private waitMs(kind: RequestKind): number {
    const now = this.clock()
    if (this.pausedUntil > now) return this.pausedUntil - now
    if (this.inFlight >= this.options.maxConcurrent) return Infinity
    const lane = this.lanes[kind]
    lane.starts = lane.starts.filter((t) => t > now - lane.windowMs)
    if (lane.starts.length < lane.max) return 0
    return Math.max(1, (lane.starts[0] ?? now) + lane.windowMs - now)
  }

  /** Sleeps until `ms` passed or a slot was released, whichever comes first. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve)
      if (Number.isFinite(ms)) {
        const t = setTimeout(() => this.wake(), ms)
        t.unref()
      }
    })
  }

  private wake(): void {
    if (this.timer) return
    // Batch wake-ups into one macrotask so a burst of releases does not thrash the waiters.
    this.timer = setTimeout(() => {
      this.timer = undefined
      const all = this.waiters.splice(0)
      for (const resolve of all) resolve()
    }, 0)
  }
}
