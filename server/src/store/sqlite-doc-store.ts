// DocStore on SQLite, the embedded default. Appends are group-committed (the queue the
// PostgreSQL store uses too): every append of one burst shares one transaction and one fsync of
// the WAL, which is what bounds the relay's write latency. The fsync runs on the thread pool
// (sqlite-wal-sync.ts), so the event loop serves clients meanwhile; an append resolves after it.
// A big snapshot is written in parts, a short transaction each with the event loop free between
// them, and named by its snapshots row in a last one (the 'snapshots in parts' migration).
import { randomInt } from 'node:crypto'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { PRUNE_LIMIT, type AppendEntry, type DocStore, type LoadedBook, type LogSize, type StoredUpdate } from './doc-store'
import {
  byteLengthOf,
  checkBookId,
  checkEntries,
  checkInteger,
  checkSnapshot,
  checkTime,
} from './doc-store-input'
import { framableBytes } from '../framable-bytes'
import { toPlainBytes } from './driver-bytes'
import { createGroupCommitQueue } from './group-commit-queue'
import { StoreError } from './store-error'
import type { SqliteDatabase } from './sqlite-database'
import { migrateSqlite } from './sqlite-migrations'
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
    parts: db.prepare<[string, number], Uint8Array>(
      'SELECT data FROM snapshot_parts WHERE book_id = ? AND write_id = ? ORDER BY part',
    ).pluck(),
    part: db.prepare<[string, number, number], Uint8Array>(
      'SELECT data FROM snapshot_parts WHERE book_id = ? AND write_id = ? AND part = ?',
    ).pluck(),
    partsBytes: db.prepare<[string, number], number>(
      'SELECT coalesce(sum(length(data)), 0) FROM snapshot_parts WHERE book_id = ? AND write_id = ?',
    ).pluck(),
    countParts: db.prepare<[string, number], number>(
      'SELECT count(*) FROM snapshot_parts WHERE book_id = ? AND write_id = ?',
    ).pluck(),
    insertPart: db.prepare<[string, number, number, Uint8Array]>(
      'INSERT INTO snapshot_parts (book_id, write_id, part, data) VALUES (?, ?, ?, ?)',
    ),
    // A part no snapshots row names (superseded, or left by a write that never finished).
    stalePart: db.prepare<[string, string], number>(
      `SELECT rowid FROM snapshot_parts WHERE book_id = ?
          AND write_id IS NOT (SELECT write_id FROM snapshots WHERE book_id = ?) LIMIT 1`,
    ).pluck(),
    dropPart: db.prepare<[number]>('DELETE FROM snapshot_parts WHERE rowid = ?'),
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

  /** The snapshot a row names: its own bytes, or its parts put together (checked against the row). */
  const snapshotOf = (bookId: string, row: SnapshotRow): Uint8Array => {
    if (row.parts === 0) return toPlainBytes(row.data)
    const parts = sql.parts.all(bookId, row.write_id!)
    if (parts.length !== row.parts) {
      throw new StoreError('io', `snapshot of ${bookId} through seq ${row.seq} has ${parts.length} of its ${row.parts} parts`)
    }
    // Put together in shared memory with room in front (framable-bytes.ts): the book loading it keeps these bytes.
    const whole = framableBytes(parts.reduce((n, p) => n + p.length, 0))
    let at = 0
    for (const part of parts) {
      whole.set(part, at)
      at += part.length
    }
    return whole
  }

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
   * is named (dropStaleParts): a part gone, or the row naming another write, and the load starts
   * over; after a few tries it reads everything in one transaction as before.
   */
  const loadInTurns = async (bookId: string): Promise<LoadedBook> => {
    for (let attempt = 0; attempt < LOAD_TRIES; attempt++) {
      const row = sql.snapshot.get(bookId)
      if (!row || row.parts === 0) return load(bookId)
      const writeId = row.write_id!
      const whole = framableBytes(sql.partsBytes.get(bookId, writeId) ?? 0)
      let at = 0
      for (let part = 0; part < row.parts; part++) {
        await nextTurn()
        if (gate.isClosed) throw new StoreError('closed', 'SQLite DocStore closed while it loaded a snapshot')
        const bytes = sql.part.get(bookId, writeId, part)
        if (!bytes || at + bytes.length > whole.length) break
        whole.set(bytes, at)
        at += bytes.length
      }
      if (at !== whole.length) continue
      const loaded = loadAfterParts(bookId, writeId, whole)
      if (loaded) return loaded
    }
    return load(bookId)
  }

  const compact = db.transaction((bookId: string, snapshot: Uint8Array, upToSeq: number, index: Uint8Array | null) => {
    checkSnapshot(snapshot, upToSeq, headOf(bookId))
    sql.upsertSnapshot.run(bookId, upToSeq, snapshot, 0, null, index)
  })

  /** Names the parts of write `writeId` as the book's snapshot through `upToSeq`, once all are there. */
  const nameParts = db.transaction((bookId: string, writeId: number, parts: number, upToSeq: number, index: Uint8Array | null) => {
    const found = sql.countParts.get(bookId, writeId) ?? 0
    if (found !== parts) throw new StoreError('conflict', `${found} of the ${parts} parts of a snapshot of ${bookId} are left (another writer removed them)`)
    sql.upsertSnapshot.run(bookId, upToSeq, NO_BYTES, parts, writeId, index)
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
   * Writes a big snapshot as parts, each its own transaction with a turn of the event loop between
   * them (appends commit meanwhile), then names them in one short durable transaction; a snapshot
   * older than the stored one is dropped. Parts no row names are deleted afterwards, one per turn.
   */
  const compactInParts = async (bookId: string, snapshot: Uint8Array, upToSeq: number, index: Uint8Array | null): Promise<void> => {
    if ((sql.snapshotSeq.get(bookId) ?? 0) >= upToSeq) return
    const writeId = randomInt(2 ** 47)
    const parts = Math.ceil(snapshot.length / o.snapshotPartBytes)
    // Written faster than the checkpoint worker copies them: the commit of the part that crossed
    // the connection's own threshold would copy the WAL on the event loop (25-37 ms here).
    const giveBack = durable.walRoomFor(snapshot.length)
    try {
      for (let part = 0; part < parts; part++) {
        if (part > 0) await nextTurn()
        if (gate.isClosed) throw new StoreError('closed', 'SQLite DocStore closed while it wrote a snapshot')
        const bytes = snapshot.subarray(part * o.snapshotPartBytes, (part + 1) * o.snapshotPartBytes)
        durable.writeAhead(() => sql.insertPart.run(bookId, writeId, part, bytes))
      }
      await durable.write(() => nameParts.immediate(bookId, writeId, parts, upToSeq, index))
    } finally {
      if (!gate.isClosed) await dropStaleParts(bookId)
      giveBack()
    }
  }

  /** Deletes the book's parts no row names, one per turn of the event loop (a part is a write of its own). */
  const dropStaleParts = async (bookId: string): Promise<void> => {
    for (let part = sql.stalePart.get(bookId, bookId); part !== undefined && !gate.isClosed; part = sql.stalePart.get(bookId, bookId)) {
      durable.writeAhead(() => sql.dropPart.run(part!))
      await nextTurn()
    }
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
          await dropStaleParts(bookId)
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
