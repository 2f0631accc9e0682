// DocStore on SQLite, the embedded default. Appends are group-committed (the queue the
// PostgreSQL store uses too): every append of one burst shares one transaction and one fsync of
// the WAL, which is what bounds the relay's write latency. The fsync runs on the thread pool
// (sqlite-wal-sync.ts), so the event loop serves clients meanwhile; an append resolves after it.
// A big snapshot is written in parts, a short transaction each with the event loop free between
// them, and named by its snapshots row in a last one (the 'snapshots in parts' migration).
import { PRUNE_LIMIT, type AppendEntry, type DocStore, type LoadedBook, type LogSize, type StoredUpdate } from './doc-store'
import {
  byteLengthOf,
  checkBookId,
  checkEntries,
  checkInteger,
  checkSnapshot,
  checkTime,
} from './doc-store-input'
import { toPlainBytes } from './driver-bytes'
import { createGroupCommitQueue } from './group-commit-queue'
import { StoreError } from './store-error'
import type { SqliteDatabase } from './sqlite-database'
import { migrateSqlite } from './sqlite-migrations'
import { createSnapshotParts, type PartsOf } from './sqlite-snapshot-parts'
import { createStoreGate } from './store-gate'
import { createDurableWrite, type DurableWriteOptions, type WalSyncOptions } from './sqlite-wal-sync'

export interface SqliteDocStoreOptions {
  /** Commit at once, without waiting for the burst to end, when this many entries are pending. */
  readonly maxBatchEntries?: number
  /** Likewise for the bytes of pending updates. */
  readonly maxBatchBytes?: number
  /** close() also closes the database. Off by default: the BookDirectory shares the handle. */
  readonly closeDatabase?: boolean
  /** Clock for `at` (ms since the epoch). */
  readonly now?: () => number
  /** The WAL fsync after each append batch (tests observe it). */
  readonly fsync?: WalSyncOptions['fsync']
  /** WAL checkpoints on a worker thread (sqlite-wal-checkpointer.ts); false leaves them to SQLite. */
  readonly checkpoints?: DurableWriteOptions['checkpoints']
  /** Snapshots bigger than this are written in parts of this many bytes. */
  readonly snapshotPartBytes?: number
}

/**
 * A snapshot part's bytes: a transaction writing one took 2–5 ms here, where the 16 MiB bench
 * book written whole stopped the event loop for 60–190 ms.
 */
export const SNAPSHOT_PART_BYTES = 512 * 1024

const DEFAULTS = {
  maxBatchEntries: 512,
  maxBatchBytes: 8 * 1024 * 1024,
  closeDatabase: false,
  now: Date.now,
  snapshotPartBytes: SNAPSHOT_PART_BYTES,
} as const satisfies SqliteDocStoreOptions

/** A snapshots row: the snapshot in `data`, or (parts > 0) in the parts of write `write_id`; its index, if given. */
interface SnapshotRow {
  seq: number
  data: Uint8Array
  parts: number
  write_id: number | null
  index_data: Uint8Array | null
}

const NO_BYTES = new Uint8Array(0)

/** Loads of a snapshot in parts that start over (another write named meanwhile) before one reads it all at once. */
const LOAD_TRIES = 3

interface PendingAppend {
  readonly bookId: string
  readonly entries: readonly AppendEntry[]
}

interface LogRow {
  seq: number
  user_id: string
  at: number
  update: Uint8Array
}

export function createSqliteDocStore(db: SqliteDatabase, opts: SqliteDocStoreOptions = {}): DocStore {
  const o = { ...DEFAULTS, ...opts } satisfies SqliteDocStoreOptions
  const gate = createStoreGate('SQLite DocStore')
  migrateSqlite(db)
  // Appends are fsynced off the event loop; everything else on this shared connection keeps the
  // database's setting (FULL, sqlite-database.ts).
  const durable = createDurableWrite(db, { fsync: opts.fsync, checkpoints: opts.checkpoints })

  const sql = {
    // Pruning may have removed the newest folded entries, so the snapshot also bounds the head.
    head: db
      .prepare<[string, string], number>(
        `SELECT max(coalesce((SELECT max(seq) FROM book_log WHERE book_id = ?), 0),
                    coalesce((SELECT seq FROM snapshots WHERE book_id = ?), 0))`,
      )
      .pluck(),
    insert: db.prepare<[string, number, string, number, Uint8Array]>(
      `INSERT INTO book_log (book_id, seq, user_id, at, "update") VALUES (?, ?, ?, ?, ?)`,
    ),
    snapshot: db.prepare<[string], SnapshotRow>('SELECT seq, data, parts, write_id, index_data FROM snapshots WHERE book_id = ?'),
    since: db.prepare<[string, number, number], LogRow>(
      `SELECT seq, user_id, at, "update" FROM book_log WHERE book_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
    ),
    upsertSnapshot: db.prepare<[string, number, Uint8Array, number, number | null, Uint8Array | null]>(
      `INSERT INTO snapshots (book_id, seq, data, parts, write_id, index_data) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (book_id) DO UPDATE SET
         seq = excluded.seq, data = excluded.data, parts = excluded.parts, write_id = excluded.write_id,
         index_data = excluded.index_data
       WHERE excluded.seq > snapshots.seq`,
    ),
    snapshotSeq: db.prepare<[string], number>('SELECT seq FROM snapshots WHERE book_id = ?').pluck(),
    // Pruning walks the log from its oldest entry and stops at the first one to keep.
    oldest: db.prepare<[string, number], { seq: number; at: number }>(
      'SELECT seq, at FROM book_log WHERE book_id = ? ORDER BY seq LIMIT ?',
    ),
    deleteThrough: db.prepare<[string, number]>('DELETE FROM book_log WHERE book_id = ? AND seq <= ?'),
    logSize: db.prepare<[string, string], LogSize>(
      `SELECT count(*) AS entries, coalesce(sum(length("update")), 0) AS bytes FROM book_log WHERE book_id = ?
         AND seq > coalesce((SELECT seq FROM snapshots WHERE book_id = ?), 0)`,
    ),
  }

  const headOf = (bookId: string) => sql.head.get(bookId, bookId) ?? 0
  const toStored = (bookId: string, r: LogRow): StoredUpdate => ({
    bookId,
    seq: r.seq,
    update: toPlainBytes(r.update),
    userId: r.user_id,
    at: r.at,
  })
  const readSince = (bookId: string, afterSeq: number, limit = -1) =>
    sql.since.all(bookId, afterSeq, limit).map((r) => toStored(bookId, r))

  // Seqs come from the database inside the write transaction, never from a cache: a rolled-back
  // batch therefore consumes none, and another connection's commits are never overwritten.
  const writeBatch = db.transaction((batch: readonly PendingAppend[]): StoredUpdate[][] => {
    const at = o.now()
    const heads = new Map<string, number>()
    return batch.map(({ bookId, entries }) => {
      let head = heads.get(bookId) ?? headOf(bookId)
      const stored = entries.map(({ update, userId }): StoredUpdate => {
        head += 1
        sql.insert.run(bookId, head, userId, at, update)
        return { bookId, seq: head, update, userId, at }
      })
      heads.set(bookId, head)
      return stored
    })
  })

  const parts = createSnapshotParts(db, { durable, isClosed: () => gate.isClosed, partBytes: o.snapshotPartBytes })
  const partsOf = (bookId: string, row: SnapshotRow): PartsOf => ({ bookId, writeId: row.write_id!, parts: row.parts })

  /** The snapshot a row names: its own bytes, or its parts put together (checked against the row). */
  const snapshotOf = (bookId: string, row: SnapshotRow): Uint8Array =>
    row.parts === 0 ? toPlainBytes(row.data) : parts.readWhole(partsOf(bookId, row), row.seq)

  /** The book as of `snap` (its snapshots row, read in this transaction), or the row it finds when none is given. */
  const loadAt = (bookId: string, snap: SnapshotRow | undefined, snapshot?: Uint8Array): LoadedBook => {
    const snapshotSeq = snap?.seq ?? 0
    return {
      snapshot: snap ? (snapshot ?? snapshotOf(bookId, snap)) : null,
      snapshotIndex: snap?.index_data ? toPlainBytes(snap.index_data) : null,
      snapshotSeq,
      updates: readSince(bookId, snapshotSeq),
      headSeq: headOf(bookId),
    }
  }
  const load = db.transaction((bookId: string): LoadedBook => loadAt(bookId, sql.snapshot.get(bookId)))
  /** The rest of a load whose snapshot was read in parts: null if the row names another write by now. */
  const loadAfterParts = db.transaction((bookId: string, writeId: number, snapshot: Uint8Array): LoadedBook | null => {
    const snap = sql.snapshot.get(bookId)
    return snap?.write_id === writeId ? loadAt(bookId, snap, snapshot) : null
  })

  /**
   * A load whose snapshot is in parts reads one part per turn of the event loop (a 16 MiB snapshot
   * read in one transaction stopped it for 5–26 ms), then the row again with the log and the head
   * in one short transaction. Parts of a write are never changed, only deleted once another write
   * is named (SnapshotParts.dropStale): a part gone, or the row naming another write, and the load starts
   * over; after a few tries it reads everything in one transaction as before.
   */
  const loadInTurns = async (bookId: string): Promise<LoadedBook> => {
    for (let attempt = 0; attempt < LOAD_TRIES; attempt++) {
      const row = sql.snapshot.get(bookId)
      if (!row || row.parts === 0) return load(bookId)
      const whole = await parts.readInTurns(partsOf(bookId, row))
      const loaded = whole && loadAfterParts(bookId, row.write_id!, whole)
      if (loaded) return loaded
    }
    return load(bookId)
  }

  const compact = db.transaction((bookId: string, snapshot: Uint8Array, upToSeq: number, index: Uint8Array | null) => {
    checkSnapshot(snapshot, upToSeq, headOf(bookId))
    sql.upsertSnapshot.run(bookId, upToSeq, snapshot, 0, null, index)
  })

  /** Names the parts of a write as the book's snapshot through `upToSeq`, once all are there. */
  const nameParts = db.transaction((written: PartsOf, upToSeq: number, index: Uint8Array | null) => {
    const found = parts.count(written)
    if (found !== written.parts) {
      throw new StoreError('conflict', `${found} of the ${written.parts} parts of a snapshot of ${written.bookId} are left (another writer removed them)`)
    }
    sql.upsertSnapshot.run(written.bookId, upToSeq, NO_BYTES, written.parts, written.writeId, index)
  })

  /** Each book's snapshot write in progress: the next waits for it; close() waits for all (they stop at their next part). */
  const snapshotWrites = new Map<string, Promise<void>>()

  /** Runs `write` after the book's snapshot write in progress, if any. */
  const afterSnapshotWrite = async (bookId: string, write: () => Promise<void>): Promise<void> => {
    const previous = snapshotWrites.get(bookId)
    const mine = (async () => {
      await previous?.catch(() => undefined)
      if (gate.isClosed) throw new StoreError('closed', 'SQLite DocStore is closed (compact)')
      await write()
    })()
    snapshotWrites.set(bookId, mine)
    try {
      await mine
    } finally {
      if (snapshotWrites.get(bookId) === mine) snapshotWrites.delete(bookId)
    }
  }

  /**
   * Writes a big snapshot as parts (sqlite-snapshot-parts.ts: a part per turn, appends commit
   * meanwhile) and names them in one short durable transaction; a snapshot older than the stored
   * one writes nothing.
   */
  const compactInParts = async (bookId: string, snapshot: Uint8Array, upToSeq: number, index: Uint8Array | null): Promise<void> => {
    if ((sql.snapshotSeq.get(bookId) ?? 0) >= upToSeq) return
    await parts.write(bookId, snapshot, (written) => durable.write(() => nameParts.immediate(written, upToSeq, index)))
  }

  /** An entry pruning may delete: folded into the snapshot and old enough. */
  const isDue = (row: { seq: number; at: number }, folded: number, before: number) => row.seq <= folded && row.at < before
  const prune = db.transaction((bookId: string, before: number, limit: number): number => {
    const folded = sql.snapshotSeq.get(bookId) ?? 0
    let last = 0
    let removed = 0
    for (const row of sql.oldest.iterate(bookId, limit)) {
      if (!isDue(row, folded, before)) break
      last = row.seq
      removed++
    }
    if (removed > 0) sql.deleteThrough.run(bookId, last)
    return removed
  })

  const queue = createGroupCommitQueue<PendingAppend, StoredUpdate[]>({
    name: 'SQLite DocStore',
    // IMMEDIATE: take the write lock up front rather than fail to upgrade a read lock later.
    write: (batch) => durable.write(() => writeBatch.immediate(batch)),
    weigh: ({ entries }) => ({ entries: entries.length, bytes: byteLengthOf(entries) }),
    maxBatchEntries: o.maxBatchEntries,
    maxBatchBytes: o.maxBatchBytes,
  })

  return {
    append: (bookId: string, entries: readonly AppendEntry[]) =>
      gate.run('append', (): StoredUpdate[] | Promise<StoredUpdate[]> => {
        checkBookId(bookId)
        checkEntries(entries)
        if (entries.length === 0) return []
        return queue.submit({ bookId, entries: entries.slice() })
      }),

    load: (bookId: string) =>
      gate.run('load', () => {
        checkBookId(bookId)
        return loadInTurns(bookId)
      }),

    readSince: (bookId: string, afterSeq: number, limit?: number) =>
      gate.run('readSince', () => {
        checkBookId(bookId)
        checkInteger('afterSeq', afterSeq, 0)
        if (limit !== undefined) checkInteger('limit', limit, 0)
        return readSince(bookId, afterSeq, limit)
      }),

    compact: (bookId: string, snapshot: Uint8Array, upToSeq: number, index?: Uint8Array) =>
      gate.run('compact', async () => {
        checkBookId(bookId)
        checkSnapshot(snapshot, upToSeq, headOf(bookId), index)
        await afterSnapshotWrite(bookId, async () => {
          if (snapshot.length > o.snapshotPartBytes) return compactInParts(bookId, snapshot, upToSeq, index ?? null)
          await durable.write(() => compact.immediate(bookId, snapshot, upToSeq, index ?? null))
          await parts.dropStale(bookId)
        })
      }),

    pruneLog: (bookId: string, before: number, limit = PRUNE_LIMIT) =>
      gate.run('pruneLog', () => {
        checkBookId(bookId)
        checkTime('before', before)
        checkInteger('limit', limit, 1)
        // Usually nothing is due: answer from a read, without a write transaction and an fsync.
        const oldest = sql.oldest.get(bookId, 1)
        if (!oldest || !isDue(oldest, sql.snapshotSeq.get(bookId) ?? 0, before)) return 0
        return durable.write(() => prune.immediate(bookId, before, limit))
      }),

    logSize: (bookId: string) =>
      gate.run('logSize', () => {
        checkBookId(bookId)
        return sql.logSize.get(bookId, bookId) ?? { entries: 0, bytes: 0 }
      }),

    async close() {
      if (!gate.close()) return
      await Promise.allSettled(snapshotWrites.values())
      await queue.drain()
      await durable.close()
      if (o.closeDatabase) db.close()
    },
  }
}
