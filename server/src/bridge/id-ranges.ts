// A set of clocks of one Yjs client kept as sorted, disjoint, non-adjacent [start, end) ranges:
// what a delete set holds per client. Adding merges neighbours, so typing then deleting a long
// stretch stays one range.

export class IdRanges {
  private starts: number[] = []
  private ends: number[] = []

  get size(): number {
    return this.starts.length
  }

  /** Index of the last range starting at or before `clock`, or -1. */
  private before(clock: number): number {
    let lo = 0
    let hi = this.starts.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.starts[mid]! <= clock) (found = mid), (lo = mid + 1)
      else hi = mid - 1
    }
    return found
  }

  has(clock: number): boolean {
    const i = this.before(clock)
    return i >= 0 && clock < this.ends[i]!
  }

  /** Whether every clock of [start, end) is in the set. */
  covers(start: number, end: number): boolean {
    const i = this.before(start)
    return i >= 0 && end <= this.ends[i]!
  }

  add(start: number, end: number): void {
    if (end <= start) return
    // The first range that touches or overlaps [start, end), and the last.
    let first = this.before(start)
    if (first < 0 || this.ends[first]! < start) first++
    let last = first
    while (last < this.starts.length && this.starts[last]! <= end) last++
    if (last === first) {
      this.starts.splice(first, 0, start)
      this.ends.splice(first, 0, end)
      return
    }
    const mergedStart = Math.min(start, this.starts[first]!)
    const mergedEnd = Math.max(end, this.ends[last - 1]!)
    this.starts.splice(first, last - first, mergedStart)
    this.ends.splice(first, last - first, mergedEnd)
  }
}
