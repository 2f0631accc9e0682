// Which log entries of a book this process has applied. With several relay instances the
// entries arrive out of order (and some not at all), so we keep the contiguous prefix plus
// what we saw beyond it; a gap is what must be caught up from the store.

export class SeqTracker {
  private prefix = 0
  /** Seqs applied beyond the prefix; only multi-instance books ever have any, so made on demand. */
  private beyondSet: Set<number> | null = null
  private max = 0

  constructor(appliedThrough = 0) {
    this.prefix = appliedThrough
    this.max = appliedThrough
  }

  /** Every seq <= this has been applied. */
  get contiguous(): number {
    return this.prefix
  }

  /** Highest seq applied. */
  get highest(): number {
    return this.max
  }

  get hasGap(): boolean {
    return (this.beyondSet?.size ?? 0) > 0
  }

  has(seq: number): boolean {
    return seq <= this.prefix || (this.beyondSet?.has(seq) ?? false)
  }

  mark(seq: number): void {
    if (seq > this.max) this.max = seq
    if (seq <= this.prefix) return
    if (seq === this.prefix + 1 && !this.hasGap) {
      this.prefix = seq
      return
    }
    const beyond = (this.beyondSet ??= new Set())
    beyond.add(seq)
    while (beyond.delete(this.prefix + 1)) this.prefix++
  }

  /** Everything up to `seq` is applied (e.g. after applying a snapshot that includes it). */
  markThrough(seq: number): void {
    if (seq <= this.prefix) return
    this.prefix = seq
    if (seq > this.max) this.max = seq
    const beyond = this.beyondSet
    if (!beyond) return
    for (const s of beyond) if (s <= seq) beyond.delete(s)
    while (beyond.delete(this.prefix + 1)) this.prefix++
  }
}
