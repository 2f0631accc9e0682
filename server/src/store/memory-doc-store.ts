// DocStore kept in process memory: for tests and throwaway dev instances. Nothing survives a
// restart. Bytes are copied in and out so callers cannot mutate what the store holds.
import { PRUNE_LIMIT, type AppendEntry, type DocStore, type LoadedBook, type StoredUpdate } from './doc-store'
import { checkBookId, checkEntries, checkInteger, checkSnapshot, checkTime } from './doc-store-input'
import { createStoreGate } from './store-gate'

export interface MemoryDocStoreOptions {
  /** Clock for `at` (ms since the epoch); Date.now by default. */
  readonly now?: () => number
}

interface MemoryBook {
  log: StoredUpdate[]
  headSeq: number
  snapshot: { seq: number; data: Uint8Array; index: Uint8Array | null } | null
}

const copyOut = (u: StoredUpdate): StoredUpdate => ({ ...u, update: u.update.slice() })

export function createMemoryDocStore(opts: MemoryDocStoreOptions = {}): DocStore {
  const now = opts.now ?? Date.now
  const gate = createStoreGate('memory DocStore')
  const books = new Map<string, MemoryBook>()

  const bookOf = (bookId: string): MemoryBook => {
    let book = books.get(bookId)
    if (!book) books.set(bookId, (book = { log: [], headSeq: 0, snapshot: null }))
    return book
  }
  const snapshotSeqOf = (book: MemoryBook | undefined) => book?.snapshot?.seq ?? 0

  return {
    append: (bookId: string, entries: readonly AppendEntry[]) =>
      gate.run('append', () => {
        checkBookId(bookId)
        checkEntries(entries)
        if (entries.length === 0) return []
        const book = bookOf(bookId)
        const at = now()
        return entries.map(({ update, userId }) => {
          const stored: StoredUpdate = { bookId, seq: ++book.headSeq, update: update.slice(), userId, at }
          book.log.push(stored)
          return { ...stored, update }
        })
      }),

    load: (bookId: string) =>
      gate.run('load', (): LoadedBook => {
        checkBookId(bookId)
        const book = books.get(bookId)
        const snapshotSeq = snapshotSeqOf(book)
        return {
          snapshot: book?.snapshot?.data.slice() ?? null,
          snapshotIndex: book?.snapshot?.index?.slice() ?? null,
          snapshotSeq,
          updates: (book?.log ?? []).filter((u) => u.seq > snapshotSeq).map(copyOut),
          headSeq: book?.headSeq ?? 0,
        }
      }),

    readSince: (bookId: string, afterSeq: number, limit?: number) =>
      gate.run('readSince', () => {
        checkBookId(bookId)
        checkInteger('afterSeq', afterSeq, 0)
        if (limit !== undefined) checkInteger('limit', limit, 0)
        const later = (books.get(bookId)?.log ?? []).filter((u) => u.seq > afterSeq)
        return (limit === undefined ? later : later.slice(0, limit)).map(copyOut)
      }),

    compact: (bookId: string, snapshot: Uint8Array, upToSeq: number, index?: Uint8Array) =>
      gate.run('compact', () => {
        checkBookId(bookId)
        const book = books.get(bookId)
        checkSnapshot(snapshot, upToSeq, book?.headSeq ?? 0, index)
        if (book && upToSeq > snapshotSeqOf(book)) book.snapshot = { seq: upToSeq, data: snapshot.slice(), index: index?.slice() ?? null }
      }),

    pruneLog: (bookId: string, before: number, limit = PRUNE_LIMIT) =>
      gate.run('pruneLog', () => {
        checkBookId(bookId)
        checkTime('before', before)
        checkInteger('limit', limit, 1)
        const book = books.get(bookId)
        if (!book) return 0
        const folded = snapshotSeqOf(book)
        let removed = 0
        for (const u of book.log) {
          if (removed === limit || u.seq > folded || u.at >= before) break
          removed++
        }
        book.log = book.log.slice(removed)
        return removed
      }),

    logSize: (bookId: string) =>
      gate.run('logSize', () => {
        checkBookId(bookId)
        const book = books.get(bookId)
        const folded = snapshotSeqOf(book)
        const after = (book?.log ?? []).filter((u) => u.seq > folded)
        return { entries: after.length, bytes: after.reduce((sum, u) => sum + u.update.length, 0) }
      }),

    async close() {
      gate.close()
    },
  }
}
