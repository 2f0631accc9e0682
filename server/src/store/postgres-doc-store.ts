// DocStore on PostgreSQL, for running several relay instances on one database. Appends are
// group-committed; seqs come from a per-book head row that every writer, on any instance, locks.
import type { Pool, PoolClient } from 'pg'
import { framableBytes } from '../framable-bytes'
import { toPlainBytes } from './driver-bytes'
import { PRUNE_LIMIT, type AppendEntry, type DocStore, type LoadedBook, type StoredUpdate } from './doc-store'
import {
  byteLengthOf,
  checkBookId,
  checkEntries,
  checkInteger,
  checkSnapshot,
  checkTime,
} from './doc-store-input'
import { createGroupCommitQueue } from './group-commit-queue'
import { isPoolConnectTimeout, toPostgresStoreError } from './postgres-errors'
import { inTransaction } from './postgres-transaction'
import { createStoreGate } from './store-gate'

/**
 * A snapshot bigger than this is read in parts of this size. bytea arrives as hex text that the
 * driver decodes in one synchronous step per row: the 16 MiB bench book read whole stopped the
 * event loop for 57-95 ms here; in parts of 512 KiB, 8-10 ms at most.
 */
export const SNAPSHOT_READ_PART_BYTES = 512 * 1024

export interface PostgresDocStoreOptions {
  /** A commit takes no more appends once it holds this many entries. */
  readonly maxBatchEntries?: number
  /** Likewise for the bytes of their updates. */
  readonly maxBatchBytes?: number
  /** close() also ends the pool. Off by default: the BookDirectory shares it. */
  readonly closePool?: boolean
  /** Clock for `at` (ms since the epoch). */
  readonly now?: () => number
  /** Snapshots bigger than this are read in parts of this many bytes. */
  readonly snapshotReadPartBytes?: number
  /**
   * How long appends keep asking for a pooled connection when the pool's wait (connectionTimeoutMs)
   * passes without one: reads filling the pool, each held at most for the statement timeout, must
   * not fail the appends queued behind them (that drops their books and closes their clients).
   */
  readonly appendConnectPatienceMs?: number
}

const DEFAULTS = {
  maxBatchEntries: 512,
  maxBatchBytes: 8 * 1024 * 1024,
  closePool: false,
  now: Date.now,
  snapshotReadPartBytes: SNAPSHOT_READ_PART_BYTES,
  appendConnectPatienceMs: 60_000,
} as const satisfies PostgresDocStoreOptions

/** Rows per INSERT statement: 5 parameters each, well under PostgreSQL's 65535. */
const ROWS_PER_INSERT = 1000

interface PendingAppend {
  readonly bookId: string
  readonly entries: readonly AppendEntry[]
}

/** int8 columns arrive as strings (they may exceed 2^53); seqs and times never do. */
interface LogRow {
  seq: string
  user_id: string
  at: string
  update: Buffer
}

type Queryable = Pick<PoolClient, 'query'>

const SQL = {
  // Takes `n` seqs for each book in one statement. The row lock each upsert takes serialises the
  // writers of one book, on every instance, until COMMIT; a rolled-back batch takes none. Rows
  // are locked in book order, so two instances writing the same books cannot deadlock.
  reserve: `
    INSERT INTO book_heads (book_id, head_seq)
    SELECT book_id, n FROM unnest($1::text[], $2::bigint[]) AS t (book_id, n) ORDER BY book_id
    ON CONFLICT (book_id) DO UPDATE SET head_seq = book_heads.head_seq + EXCLUDED.head_seq
    RETURNING book_id, head_seq`,
  head: 'SELECT head_seq FROM book_heads WHERE book_id = $1',
  // The snapshot's size first; a big one is then read in parts (see SNAPSHOT_READ_PART_BYTES).
  snapshotSize: 'SELECT seq, octet_length(data) AS bytes, index_data FROM snapshots WHERE book_id = $1',
  snapshot: 'SELECT data FROM snapshots WHERE book_id = $1',
  // substring counts from 1.
  snapshotPart: 'SELECT substring(data FROM $2::integer + 1 FOR $3::integer) AS part FROM snapshots WHERE book_id = $1',
  since: `SELECT seq, user_id, at, "update" FROM book_log WHERE book_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
  // Several instances may compact one book: only a newer snapshot replaces the stored one.
  upsertSnapshot: `
    INSERT INTO snapshots (book_id, seq, data, index_data) VALUES ($1, $2, $3, $4)
    ON CONFLICT (book_id) DO UPDATE SET seq = EXCLUDED.seq, data = EXCLUDED.data, index_data = EXCLUDED.index_data
    WHERE snapshots.seq < EXCLUDED.seq`,
  // Whether the oldest entry is due at all: most calls (one per compaction) find nothing to prune.
  oldestDue: `
    SELECT 1 FROM book_log WHERE book_id = $1
       AND seq = (SELECT min(seq) FROM book_log WHERE book_id = $1)
       AND seq <= coalesce((SELECT seq FROM snapshots WHERE book_id = $1), 0) AND at < $2::float8`,
  // The oldest `limit` entries, deleted up to the first one to keep (not folded, or too recent).
  prune: `
    WITH oldest AS (
           SELECT seq, at FROM book_log WHERE book_id = $1 ORDER BY seq LIMIT $3),
         keep AS (
           SELECT min(seq) AS seq FROM oldest
            WHERE seq > coalesce((SELECT seq FROM snapshots WHERE book_id = $1), 0) OR at >= $2::float8)
    DELETE FROM book_log
     WHERE book_id = $1 AND seq IN (SELECT seq FROM oldest)
       AND seq < coalesce((SELECT seq FROM keep), 9223372036854775807)`,
  logSize: `
    SELECT count(*) AS entries, coalesce(sum(octet_length("update")), 0) AS bytes FROM book_log WHERE book_id = $1
       AND seq > coalesce((SELECT seq FROM snapshots WHERE book_id = $1), 0)`,
} as const

const insertStatement = (rows: number) =>
  `INSERT INTO book_log (book_id, seq, user_id, at, "update") VALUES ${Array.from(
    { length: rows },
    (_, i) => `($${5 * i + 1}, $${5 * i + 2}, $${5 * i + 3}, $${5 * i + 4}, $${5 * i + 5})`,
  ).join(', ')}`

const toStored = (bookId: string, r: LogRow): StoredUpdate => ({
  bookId,
  seq: Number(r.seq),
  update: toPlainBytes(r.update),
  userId: r.user_id,
  at: Number(r.at),
})

const headOf = async (db: Queryable, bookId: string): Promise<number> => {
  const { rows } = await db.query<{ head_seq: string }>(SQL.head, [bookId])
  return Number(rows[0]?.head_seq ?? 0)
}

const readSince = async (db: Queryable, bookId: string, afterSeq: number, limit?: number) => {
  const { rows } = await db.query<LogRow>(SQL.since, [bookId, afterSeq, limit ?? null])
  return rows.map((r) => toStored(bookId, r))
}

export function createPostgresDocStore(pool: Pool, opts: PostgresDocStoreOptions = {}): DocStore {
  const o = { ...DEFAULTS, ...opts } satisfies PostgresDocStoreOptions
  // Past the pool's statement_timeout, or without a connection in time: 'timeout' (also for appends).
  const gate = createStoreGate('PostgreSQL DocStore', toPostgresStoreError)

  /** The book's snapshot of `bytes`, whole or in parts (inside load's transaction: one version of it). */
  const readSnapshot = async (client: Queryable, bookId: string, bytes: number): Promise<Uint8Array> => {
    if (bytes <= o.snapshotReadPartBytes) {
      const { rows } = await client.query<{ data: Buffer }>(SQL.snapshot, [bookId])
      return toPlainBytes(rows[0]!.data)
    }
    // Put together in shared memory with room in front (framable-bytes.ts): the book loading it keeps these bytes.
    const whole = framableBytes(bytes)
    for (let at = 0; at < bytes; at += o.snapshotReadPartBytes) {
      const { rows } = await client.query<{ part: Buffer }>(SQL.snapshotPart, [bookId, at, o.snapshotReadPartBytes])
      whole.set(rows[0]!.part, at)
    }
    return whole
  }

  const writeBatch = (batch: readonly PendingAppend[]): Promise<StoredUpdate[][]> =>
    inTransaction(pool, async (client) => {
      const counts = new Map<string, number>()
      for (const { bookId, entries } of batch) counts.set(bookId, (counts.get(bookId) ?? 0) + entries.length)
      const { rows } = await client.query<{ book_id: string; head_seq: string }>(SQL.reserve, [
        [...counts.keys()],
        [...counts.values()],
      ])
      // Each book's new head minus its count is where this batch's seqs for it start.
      const next = new Map(rows.map((r) => [r.book_id, Number(r.head_seq) - counts.get(r.book_id)! + 1]))
      const at = o.now()
      const results = batch.map(({ bookId, entries }) =>
        entries.map(({ update, userId }): StoredUpdate => {
          const seq = next.get(bookId)!
          next.set(bookId, seq + 1)
          return { bookId, seq, update, userId, at }
        }),
      )
      const all = results.flat()
      for (let i = 0; i < all.length; i += ROWS_PER_INSERT) {
        const rows = all.slice(i, i + ROWS_PER_INSERT)
        await client.query(
          insertStatement(rows.length),
          rows.flatMap((u) => [u.bookId, u.seq, u.userId, u.at, u.update]),
        )
      }
      return results
    })

  /** writeBatch, asked again while no pooled connection comes in time (nothing reached the server then). */
  const writeBatchPatiently = async (batch: readonly PendingAppend[]): Promise<StoredUpdate[][]> => {
    const giveUpAt = Date.now() + o.appendConnectPatienceMs
    for (;;) {
      try {
        return await writeBatch(batch)
      } catch (cause) {
        if (!isPoolConnectTimeout(cause) || Date.now() >= giveUpAt) throw cause
      }
    }
  }

  const queue = createGroupCommitQueue<PendingAppend, StoredUpdate[]>({
    name: 'PostgreSQL DocStore',
    write: writeBatchPatiently,
    weigh: ({ entries }) => ({ entries: entries.length, bytes: byteLengthOf(entries) }),
    maxBatchEntries: o.maxBatchEntries,
    maxBatchBytes: o.maxBatchBytes,
    toStoreError: toPostgresStoreError,
  })

  // One snapshot of the database for all three reads, so the log starts right after the snapshot
  // even while another instance compacts or appends.
  const load = (bookId: string) =>
    inTransaction(
      pool,
      async (client): Promise<LoadedBook> => {
        const { rows } = await client.query<{ seq: string; bytes: number; index_data: Buffer | null }>(SQL.snapshotSize, [bookId])
        const row = rows[0]
        const snapshotSeq = Number(row?.seq ?? 0)
        return {
          snapshot: row ? await readSnapshot(client, bookId, row.bytes) : null,
          snapshotIndex: row?.index_data ? toPlainBytes(row.index_data) : null,
          snapshotSeq,
          updates: await readSince(client, bookId, snapshotSeq),
          headSeq: await headOf(client, bookId),
        }
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    )

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
        return load(bookId)
      }),

    readSince: (bookId: string, afterSeq: number, limit?: number) =>
      gate.run('readSince', () => {
        checkBookId(bookId)
        checkInteger('afterSeq', afterSeq, 0)
        if (limit !== undefined) checkInteger('limit', limit, 0)
        return readSince(pool, bookId, afterSeq, limit)
      }),

    compact: (bookId: string, snapshot: Uint8Array, upToSeq: number, index?: Uint8Array) =>
      gate.run('compact', async () => {
        checkBookId(bookId)
        // Heads only grow, so a head read outside the upsert's transaction is still a valid bound.
        checkSnapshot(snapshot, upToSeq, await headOf(pool, bookId), index)
        await pool.query(SQL.upsertSnapshot, [bookId, upToSeq, snapshot, index ?? null])
      }),

    pruneLog: (bookId: string, before: number, limit = PRUNE_LIMIT) =>
      gate.run('pruneLog', async () => {
        checkBookId(bookId)
        checkTime('before', before)
        checkInteger('limit', limit, 1)
        if ((await pool.query(SQL.oldestDue, [bookId, before])).rowCount === 0) return 0
        return (await pool.query(SQL.prune, [bookId, before, limit])).rowCount ?? 0
      }),

    logSize: (bookId: string) =>
      gate.run('logSize', async () => {
        checkBookId(bookId)
        const { rows } = await pool.query<{ entries: string; bytes: string }>(SQL.logSize, [bookId])
        return { entries: Number(rows[0]!.entries), bytes: Number(rows[0]!.bytes) }
      }),

    async close() {
      if (!gate.close()) return
      await queue.drain()
      if (o.closePool) await pool.end()
    },
  }
}
