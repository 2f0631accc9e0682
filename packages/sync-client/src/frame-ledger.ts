// Per-connection bookkeeping of the acknowledgement extension (packages/protocol/README.md):
// the relay numbers our update-carrying frames 1, 2, ... and acks them cumulatively once durable.
// For each frame we remember which pending local updates it covers:
//   sync step 2 -> every local update that existed when it was sent (it answers the relay's
//                  step 1 with all the relay lacks, so what it leaves out the relay already has)
//   sync update -> the local update it carries (none when it relays another tab's change)
// A frame the relay refused (error 'read-only') covers nothing.

export class FrameLedger {
  private readonly covers: (readonly string[])[] = []
  private readonly refused = new Set<number>()
  private acked = 0

  get sentFrames(): number {
    return this.covers.length
  }

  get ackedFrames(): number {
    return this.acked
  }

  /** Records the next update-carrying frame; returns its number. */
  sent(covered: readonly string[]): number {
    this.covers.push(covered)
    return this.covers.length
  }

  refuse(frame: number): void {
    this.refused.add(frame)
  }

  /**
   * The relay made frames 1..frames durable. Returns the pending ids newly covered. Acks never go
   * backwards, and an ack beyond what we sent is clamped (we only trust it for frames we sent).
   */
  acknowledge(frames: number): string[] {
    const upTo = Math.min(frames, this.covers.length)
    const ids: string[] = []
    for (let f = this.acked + 1; f <= upTo; f++) {
      if (!this.refused.has(f)) ids.push(...this.covers[f - 1]!)
      this.covers[f - 1] = []
    }
    if (upTo > this.acked) this.acked = upTo
    return ids
  }
}
