// Book changes waiting to be pushed, debounced: a record is due once it has been quiet for
// `debounceMs` (about a second), or `maxWaitMs` after its first change however busy it is.
// In memory only: what a crash loses here, the start-up scan (book hash vs. base hash) finds again.
import type { ChangedRecord } from './bridge-books'
import { recordKey } from './bridge-state-store'
import type { BridgeKind } from './field-map'
import { dueAt, nextDueAt, type PushDebounce } from './push-debounce'

export interface QueuedChange extends ChangedRecord {
  readonly first: number
  readonly last: number
}

export class ChangeQueue {
  private readonly pending = new Map<string, QueuedChange>()

  constructor(private readonly o: PushDebounce) {}

  get size(): number {
    return this.pending.size
  }

  mark(changes: readonly ChangedRecord[], now: number): void {
    for (const c of changes) {
      const key = recordKey(c.kind, c.crdtId)
      const prev = this.pending.get(key)
      this.pending.set(key, { ...c, parentId: c.parentId ?? prev?.parentId ?? null, first: prev?.first ?? now, last: now })
    }
  }

  /** Takes the records that are due, up to `limit`. */
  takeDue(now: number, limit: number): QueuedChange[] {
    const due: QueuedChange[] = []
    for (const [key, c] of this.pending) {
      if (due.length >= limit) break
      if (now >= dueAt(c, this.o)) {
        due.push(c)
        this.pending.delete(key)
      }
    }
    return due
  }

  /** When the next record falls due, or null when nothing waits. */
  nextDueAt(): number | null {
    return nextDueAt(this.pending.values(), this.o)
  }

  has(kind: BridgeKind, crdtId: string): boolean {
    return this.pending.has(recordKey(kind, crdtId))
  }
}
