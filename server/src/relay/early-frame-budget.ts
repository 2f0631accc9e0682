// What clients may send before their book has loaded (the token is checked first, with nothing
// read meanwhile; then the book is read from the store): frames wait in the connection's queue, and their bytes count against two
// limits, one per connection and one for all the relay's connections together. Without the
// second, a burst of sockets to books that are slow to load could hold the heap between them.

/** Which limit a frame would pass, or null when it fits. */
export type EarlyFrameRefusal = 'connection' | 'relay' | null

export class EarlyFrameBudget {
  private used = 0

  /** @param onUsed told the bytes held after every change (a metric) */
  constructor(
    readonly perConnectionBytes: number,
    readonly totalBytes: number,
    private readonly onUsed: (bytes: number) => void = () => {},
  ) {
    if (!(perConnectionBytes > 0 && totalBytes >= perConnectionBytes)) {
      throw new RangeError(`early frame budget: need 0 < per connection (${perConnectionBytes}) <= total (${totalBytes})`)
    }
  }

  /** Bytes held by every connection's queue. */
  get usedBytes(): number {
    return this.used
  }

  /** Reserves `bytes` for a connection whose queue already holds `held`; reserves nothing if refused. */
  take(held: number, bytes: number): EarlyFrameRefusal {
    if (held + bytes > this.perConnectionBytes) return 'connection'
    if (this.used + bytes > this.totalBytes) return 'relay'
    this.used += bytes
    this.onUsed(this.used)
    return null
  }

  /** Gives back what a queue held (it was handled, or its connection closed). */
  give(bytes: number): void {
    if (bytes > this.used) throw new RangeError('early frame budget: more given back than taken')
    if (bytes === 0) return
    this.used -= bytes
    this.onUsed(this.used)
  }
}
