// Which reads a later change made stale, per key (a book and user), in memory bounded by the reads
// in flight: reads may answer out of order (a pool of store connections), and a read begun before a
// key's latest change must not apply what it found. A key's change number is kept only while a read
// begun before it is still in flight; once none is, no read can be stale by it, and it is dropped.

export class LatestChanges {
  private count = 0
  /** Per key, the number of its latest change, in ascending order of those numbers. */
  private readonly latest = new Map<string, number>()
  /** Reads in flight, counted by the change number they began at, in ascending order of those numbers. */
  private readonly reading = new Map<number, number>()

  /** The number of changes so far. */
  get epoch(): number {
    return this.count
  }

  /** Keys kept (tests: bounded by the reads in flight, not by the changes since start). */
  get size(): number {
    return this.latest.size
  }

  changed(key: string): void {
    // Deleted first: set again, it moves to the end, where the highest number belongs.
    this.latest.delete(key)
    this.latest.set(key, ++this.count)
    this.prune()
  }

  /** A read begins; returns what `isStale` and `end` take. */
  begin(): number {
    this.reading.set(this.count, (this.reading.get(this.count) ?? 0) + 1)
    return this.count
  }

  /** Whether `key` changed after the read begun at `at`: a later change's read decides. */
  isStale(key: string, at: number): boolean {
    return (this.latest.get(key) ?? 0) > at
  }

  /** The read begun at `at` answered, and what it found is applied (or dropped) already. */
  end(at: number): void {
    const left = (this.reading.get(at) ?? 1) - 1
    if (left > 0) this.reading.set(at, left)
    else this.reading.delete(at)
    this.prune()
  }

  /** Drops the changes no read in flight began before. */
  private prune(): void {
    const oldest = this.reading.keys().next()
    const floor = oldest.done ? this.count : oldest.value
    for (const [key, n] of this.latest) {
      if (n > floor) break
      this.latest.delete(key)
    }
  }
}
