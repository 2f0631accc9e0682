// When (and by whom) a book field last changed, read from the relay's update log: the CRDT side's
// time for "the later change wins". Each logged update is read with its (at, userId) and the
// fields it touched are noted; a reader turns an update into those fields (StructFieldReader:
// the document's shape kept in a StructIndex, no decoded copy of the book).
import type { DocStore } from '../store/doc-store'
import type { BridgeKind } from './field-map'
import type { SideChange } from './record-merge'
import { StructFieldReader } from './struct-field-reader'

export interface CrdtFieldClock {
  /** Reads the log entries of the book appended since the last call. */
  catchUp(bookId: string): Promise<void>
  /** The last logged change of a field (or of the whole record, when it was created). */
  lastChange(bookId: string, kind: BridgeKind, crdtId: string, field: string): SideChange | null
}

/** For a bridge without access to the relay's store: no CRDT times (ties go to the CRM). */
export const NO_FIELD_CLOCK: CrdtFieldClock = { catchUp: async () => {}, lastChange: () => null }

/** Turns one book's logged updates, in log order, into the field-clock keys each one touched. */
export interface FieldChangeReader {
  /** The book's snapshot: its state, with no change attributed to anyone. */
  load(snapshot: Uint8Array): void
  /** A logged update: `emit` gets every key (field-change-keys.ts) it changed. */
  apply(update: Uint8Array, emit: (key: string) => void): void
}

interface BookClock {
  readonly reader: FieldChangeReader
  seq: number
  readonly changes: Map<string, SideChange>
}

const PAGE = 500

export function createLogFieldClock(store: DocStore, newReader: () => FieldChangeReader = () => new StructFieldReader()): CrdtFieldClock {
  const books = new Map<string, BookClock>()
  const busy = new Map<string, Promise<void>>()

  const open = async (bookId: string): Promise<BookClock> => {
    const loaded = await store.load(bookId)
    const book: BookClock = { reader: newReader(), seq: loaded.snapshotSeq, changes: new Map() }
    if (loaded.snapshot) book.reader.load(loaded.snapshot)
    books.set(bookId, book)
    return book
  }

  const catchUp = async (bookId: string): Promise<void> => {
    const book = books.get(bookId) ?? (await open(bookId))
    for (;;) {
      const entries = await store.readSince(bookId, book.seq, PAGE)
      for (const e of entries) {
        // A log pruned past our position is a gap: times before it are simply unknown.
        const change: SideChange = { at: e.at, by: e.userId }
        book.reader.apply(e.update, (key) => {
          const prev = book.changes.get(key)
          if (!prev || prev.at <= change.at) book.changes.set(key, change)
        })
        book.seq = e.seq
      }
      if (entries.length < PAGE) return
    }
  }

  return {
    catchUp(bookId) {
      // One catch-up per book at a time; callers arriving meanwhile wait for the same one.
      const running = busy.get(bookId)
      if (running) return running.then(() => catchUp(bookId))
      const p = catchUp(bookId).finally(() => busy.delete(bookId))
      busy.set(bookId, p)
      return p
    },
    lastChange(bookId, kind, crdtId, field) {
      const book = books.get(bookId)
      if (!book) return null
      const candidates = [
        book.changes.get(`${kind}:${crdtId}:${field}`),
        book.changes.get(`${kind}:${crdtId}:*`),
        field.startsWith('address.') ? book.changes.get(`${kind}:${crdtId}:address.*`) : undefined,
      ].filter((c): c is SideChange => c !== undefined)
      return candidates.reduce<SideChange | null>((a, c) => (!a || c.at > a.at ? c : a), null)
    },
  }
}
