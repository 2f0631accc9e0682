// A connection's update frames that wait for their appends to become durable, oldest first.
// Kept as flat triples in one array (no object per frame): at 15,000 updates/s every frame
// passes through here.
/** Told of each released frame (a connection: no closure per connection or per release). */
export interface AckTarget {
  acked(frame: number, received: number): void
}

export class PendingAcks {
  /** frame number, the room's append number it waits for, arrival time; from `head` on. */
  private q: number[] = []
  private head = 0

  get isEmpty(): boolean {
    return this.head === this.q.length
  }

  get size(): number {
    return (this.q.length - this.head) / 3
  }

  push(frame: number, upTo: number, received: number): void {
    this.q.push(frame, upTo, received)
  }

  /** Takes every frame, oldest first, up to the first one waiting beyond `appended`. */
  release(appended: number, target: AckTarget): void {
    const q = this.q
    let i = this.head
    while (i < q.length && q[i + 1]! <= appended) {
      target.acked(q[i]!, q[i + 2]!)
      i += 3
    }
    if (i === q.length) this.clear()
    // Under sustained load the queue may never run empty: drop the released part now and then.
    else if (i >= COMPACT_AFTER && i * 2 >= q.length) {
      this.q = q.slice(i)
      this.head = 0
    } else this.head = i
  }

  clear(): void {
    this.q = []
    this.head = 0
  }

  /** For tests: the array's length, released part included. */
  get storedLength(): number {
    return this.q.length
  }
}

const COMPACT_AFTER = 3 * 1024
