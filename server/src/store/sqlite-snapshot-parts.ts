// A big snapshot's parts in SQLite (the 'snapshots in parts' migration; src/store/README.md):
// written a part per short transaction with a turn of the event loop between them, read back
// whole inside a transaction or a part per turn, and deleted a part per turn once no snapshots
// row names their write. The doc store names a write's parts in its snapshots row.
import { randomInt } from 'node:crypto'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { framableBytes } from '../framable-bytes'
import type { SqliteDatabase } from './sqlite-database'
import type { createDurableWrite } from './sqlite-wal-sync'
import { StoreError } from './store-error'

export interface SnapshotPartsDeps {
  readonly durable: Pick<ReturnType<typeof createDurableWrite>, 'writeAhead' | 'walRoomFor'>
  /** The store was closed: a write or read in progress stops at its next part. */
  readonly isClosed: () => boolean
  /** Bytes per part. */
  readonly partBytes: number
}

/** Which parts a snapshots row names: its write and how many. */
export interface PartsOf {
  readonly bookId: string
  readonly writeId: number
  readonly parts: number
}

export interface SnapshotParts {
  /**
   * Writes `snapshot` as the parts of a new write, a part per turn of the event loop, with room in
   * the WAL for them (WalCheckpointer.roomFor), then has `name` point the book's row at them; parts
   * no row names are deleted afterwards, whatever happened.
   */
  write(bookId: string, snapshot: Uint8Array, name: (parts: PartsOf) => Promise<void>): Promise<void>
  /** How many parts of the write are there now (naming checks all are). */
  count(parts: PartsOf): number
  /** The parts put together, inside the caller's transaction; a part missing is StoreError 'io'. */
  readWhole(parts: PartsOf, seq: number): Uint8Array
  /** The parts put together, a part per turn; null if one went missing meanwhile (another write was named). */
  readInTurns(parts: PartsOf): Promise<Uint8Array | null>
  /** Deletes the book's parts no row names (a snapshot stored whole replaced them), one per turn. */
  dropStale(bookId: string): Promise<void>
}

export function createSnapshotParts(db: SqliteDatabase, { durable, isClosed, partBytes }: SnapshotPartsDeps): SnapshotParts {
  const sql = {
    all: db.prepare<[string, number], Uint8Array>('SELECT data FROM snapshot_parts WHERE book_id = ? AND write_id = ? ORDER BY part').pluck(),
    one: db.prepare<[string, number, number], Uint8Array>('SELECT data FROM snapshot_parts WHERE book_id = ? AND write_id = ? AND part = ?').pluck(),
    bytes: db
      .prepare<[string, number], number>('SELECT coalesce(sum(length(data)), 0) FROM snapshot_parts WHERE book_id = ? AND write_id = ?')
      .pluck(),
    count: db.prepare<[string, number], number>('SELECT count(*) FROM snapshot_parts WHERE book_id = ? AND write_id = ?').pluck(),
    insert: db.prepare<[string, number, number, Uint8Array]>('INSERT INTO snapshot_parts (book_id, write_id, part, data) VALUES (?, ?, ?, ?)'),
    // A part no snapshots row names (superseded, or left by a write that never finished).
    stale: db
      .prepare<[string, string], number>(
        `SELECT rowid FROM snapshot_parts WHERE book_id = ?
            AND write_id IS NOT (SELECT write_id FROM snapshots WHERE book_id = ?) LIMIT 1`,
      )
      .pluck(),
    drop: db.prepare<[number]>('DELETE FROM snapshot_parts WHERE rowid = ?'),
  }

  const stopIfClosed = (what: string) => {
    if (isClosed()) throw new StoreError('closed', `SQLite DocStore closed while it ${what} a snapshot`)
  }

  /** Deletes the book's parts no row names, one per turn of the event loop (a part is a write of its own). */
  const dropStale = async (bookId: string): Promise<void> => {
    for (let rowid = sql.stale.get(bookId, bookId); rowid !== undefined && !isClosed(); rowid = sql.stale.get(bookId, bookId)) {
      const part = rowid
      durable.writeAhead(() => sql.drop.run(part))
      await nextTurn()
    }
  }

  /** Parts put together in shared memory with room in front (framable-bytes.ts): the book loading them keeps these bytes. */
  const together = (parts: readonly Uint8Array[]): Uint8Array => {
    const whole = framableBytes(parts.reduce((n, p) => n + p.length, 0))
    let at = 0
    for (const part of parts) {
      whole.set(part, at)
      at += part.length
    }
    return whole
  }

  return {
    async write(bookId, snapshot, name) {
      const writeId = randomInt(2 ** 47)
      const parts = Math.ceil(snapshot.length / partBytes)
      // Written faster than the checkpoint worker copies them: the commit that crossed a
      // connection's own threshold would copy the WAL on the event loop (25–37 ms here).
      const giveBack = durable.walRoomFor(snapshot.length)
      try {
        for (let part = 0; part < parts; part++) {
          if (part > 0) await nextTurn()
          stopIfClosed('wrote')
          const bytes = snapshot.subarray(part * partBytes, (part + 1) * partBytes)
          // No fsync of its own: the naming commit's covers it (the WAL is one file, synced in order).
          durable.writeAhead(() => sql.insert.run(bookId, writeId, part, bytes))
        }
        await name({ bookId, writeId, parts })
      } finally {
        if (!isClosed()) await dropStale(bookId)
        giveBack()
      }
    },

    count: ({ bookId, writeId }) => sql.count.get(bookId, writeId) ?? 0,
    dropStale,

    readWhole({ bookId, writeId, parts }, seq) {
      const found = sql.all.all(bookId, writeId)
      if (found.length !== parts) throw new StoreError('io', `snapshot of ${bookId} through seq ${seq} has ${found.length} of its ${parts} parts`)
      return together(found)
    },

    async readInTurns({ bookId, writeId, parts }) {
      const whole = framableBytes(sql.bytes.get(bookId, writeId) ?? 0)
      let at = 0
      for (let part = 0; part < parts; part++) {
        await nextTurn()
        stopIfClosed('read')
        const bytes = sql.one.get(bookId, writeId, part)
        if (!bytes || at + bytes.length > whole.length) return null
        whole.set(bytes, at)
        at += bytes.length
      }
      return at === whole.length ? whole : null
    },
  }
}
