// Calls back for each item when its time comes: the relay closes a connection when the token it
// was opened with expires. One timer for all of them, not one per connection (thousands of idle
// connections are the common case): items are kept in buckets per second, the seconds in a
// min-heap, and the timer is armed for the earliest bucket.

/**
 * The longest single wait. Times are wall-clock and timers are not: after the clock jumps forward
 * or the machine resumes from a suspend, what came due is noticed within this. (Also under
 * setTimeout's own limit, 2^31 - 1 ms, past which it fires at once.)
 */
const MAX_DELAY_MS = 60_000

export class ExpiryWatch<T> {
  private readonly buckets = new Map<number, Set<T>>()
  /** Seconds with a bucket, as a binary min-heap; may also hold seconds whose bucket emptied. */
  private readonly heap: number[] = []
  private timer: NodeJS.Timeout | null = null
  /** When the timer fires (ms since the epoch); Infinity when it is not armed. */
  private armedFor = Infinity

  constructor(
    private readonly expired: (item: T) => void,
    /** A callback that threw: the other items due are still called back. */
    private readonly failed: (item: T, error: unknown) => void = (_item, error) => process.emitWarning(error instanceof Error ? error : String(error)),
  ) {}

  /** Items waiting (for tests). */
  get size(): number {
    let n = 0
    for (const bucket of this.buckets.values()) n += bucket.size
    return n
  }

  /** Seconds the heap holds, emptied buckets included: stays within a small multiple of the live buckets. */
  get heapLength(): number {
    return this.heap.length
  }

  /** `item` expires at `atMs` (ms since the epoch), rounded up to the second. */
  add(item: T, atMs: number): void {
    const second = Math.ceil(atMs / 1000)
    let bucket = this.buckets.get(second)
    if (!bucket) {
      bucket = new Set()
      this.buckets.set(second, bucket)
      this.push(second)
    }
    bucket.add(item)
    if (second * 1000 < this.armedFor) this.arm()
  }

  /** Forgets `item`, added with the same `atMs`. */
  delete(item: T, atMs: number): void {
    const second = Math.ceil(atMs / 1000)
    const bucket = this.buckets.get(second)
    if (!bucket?.delete(item) || bucket.size > 0) return
    this.buckets.delete(second)
    // Emptied seconds stay in the heap until they come up; rebuilt when they outnumber the live
    // ones, so clients that connect and leave again and again do not grow it.
    if (this.heap.length > 2 * this.buckets.size + 64) this.rebuild()
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.armedFor = Infinity
    this.buckets.clear()
    this.heap.length = 0
  }

  private readonly fire = (): void => {
    this.timer = null
    this.armedFor = Infinity
    const now = Date.now()
    const due: T[] = []
    while (this.heap.length > 0 && this.heap[0]! * 1000 <= now) {
      const second = this.pop()
      const bucket = this.buckets.get(second)
      if (!bucket) continue
      this.buckets.delete(second)
      for (const item of bucket) due.push(item)
    }
    this.arm()
    for (const item of due) {
      try {
        this.expired(item)
      } catch (error) {
        this.failed(item, error)
      }
    }
  }

  private arm(): void {
    while (this.heap.length > 0 && !this.buckets.has(this.heap[0]!)) this.pop()
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.armedFor = Infinity
    const next = this.heap[0]
    if (next === undefined) return
    const now = Date.now()
    // A far-off time is reached in steps: fire() then finds nothing due and arms again.
    const wait = Math.min(Math.max(0, next * 1000 - now), MAX_DELAY_MS)
    this.armedFor = now + wait
    this.timer = setTimeout(this.fire, wait)
    this.timer.unref()
  }

  private rebuild(): void {
    this.heap.length = 0
    for (const second of [...this.buckets.keys()].sort((a, b) => a - b)) this.heap.push(second)
  }

  private push(second: number): void {
    const heap = this.heap
    let i = heap.push(second) - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent]! <= second) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = second
  }

  private pop(): number {
    const heap = this.heap
    const top = heap[0]!
    const last = heap.pop()!
    if (heap.length === 0) return top
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= heap.length) break
      const child = left + 1 < heap.length && heap[left + 1]! < heap[left]! ? left + 1 : left
      if (heap[child]! >= last) break
      heap[i] = heap[child]!
      i = child
    }
    heap[i] = last
    return top
  }
}
