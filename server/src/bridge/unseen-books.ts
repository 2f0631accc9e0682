// Books that took changes no document event showed (a dormant big book's tail, a reload; see
// BridgeBooksOptions.onUnseen), waiting to be compared whole with the bridge's state: debounced like
// record changes, so a book being edited while asleep is woken once its edits pause, and within
// the push's maximum wait however busy it is. In memory only, like the change queue: the start-up
// scan finds again what a crash loses here.
import { dueAt, nextDueAt, type Changed, type PushDebounce } from './push-debounce'

export interface UnseenBook extends Changed {
  readonly bookId: string
  last: number
}

export class UnseenBooks {
  private readonly pending = new Map<string, UnseenBook>()

  constructor(private readonly o: PushDebounce) {}

  get size(): number {
    return this.pending.size
  }

  /**
   * Returns whether the book was not pending before (only then may the wake-up time move earlier):
   * this runs for every update a dormant book takes, inside the relay, so a book already pending
   * costs one map lookup.
   */
  mark(bookId: string, now: number): boolean {
    const pending = this.pending.get(bookId)
    if (pending) {
      pending.last = now
      return false
    }
    this.pending.set(bookId, { bookId, first: now, last: now })
    return true
  }

  /** Takes the books that are due. */
  takeDue(now: number): UnseenBook[] {
    const due = [...this.pending.values()].filter((b) => now >= dueAt(b, this.o))
    for (const b of due) this.pending.delete(b.bookId)
    return due
  }

  nextDueAt(): number | null {
    return nextDueAt(this.pending.values(), this.o)
  }
}
