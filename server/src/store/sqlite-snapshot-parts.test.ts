// A big snapshot on SQLite: written as parts, each its own short transaction with the event loop
// free between them, then named by the snapshots row in one durable step. A load sees a whole
// snapshot or the one before, never a part of one; parts no row names (superseded, or left by a
// write that was cut short) are deleted; a database from before the parts loads as it was.
import Database from 'better-sqlite3'
import { claimHeadRoom, FRAME_HEAD_ROOM } from '../framable-bytes'
import { afterAll, describe, expect, it } from 'vitest'
import { runDocStoreContract } from './doc-store.contract'
import type { DocStore } from './doc-store'
import { expectStoreError } from './expect-store-error'
import { openSqliteDatabase } from './sqlite-database'
import { createSqliteDocStore, type SqliteDocStoreOptions } from './sqlite-doc-store'
import { migrateSqlite, SQLITE_MIGRATIONS } from './sqlite-migrations'
import { createSqliteTempFiles } from './sqlite-temp-files'

const PART = 64

const files = createSqliteTempFiles('snapshot-parts')
afterAll(() => files.cleanup())

const pathOf = new Map<DocStore, string>()
const openAt = (path: string, opts: SqliteDocStoreOptions = {}) => {
  const store = createSqliteDocStore(openSqliteDatabase(path), { closeDatabase: true, snapshotPartBytes: PART, ...opts })
  pathOf.set(store, path)
  return store
}

// The contract's snapshots of more than 32 bytes go in parts of 32.
runDocStoreContract('sqlite, snapshots in parts', {
  open: async () => openAt(await files.newPath(), { snapshotPartBytes: 32 }),
  async reopen(previous) {
    await previous.close()
    return openAt(pathOf.get(previous)!, { snapshotPartBytes: 32 })
  },
})

/** `n` bytes counting up from `from` (mod 256), so that parts out of order or missing show. */
const bytes = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (from + i) % 256)

/** A second connection to look at the rows the store wrote. */
const inspect = (path: string) => {
  const db = new Database(path, { readonly: true })
  return {
    parts: (bookId: string) =>
      db.prepare<[string], { write_id: number; part: number; size: number }>(
        'SELECT write_id, part, length(data) AS size FROM snapshot_parts WHERE book_id = ? ORDER BY write_id, part',
      ).all(bookId),
    row: (bookId: string) =>
      db.prepare<[string], { seq: number; size: number; parts: number; write_id: number | null }>(
        'SELECT seq, length(data) AS size, parts, write_id FROM snapshots WHERE book_id = ?',
      ).get(bookId),
    close: () => db.close(),
  }
}

/** A store on a fresh file with `entries` one-byte entries in book 'b'. */
const withEntries = async (entries: number, opts: SqliteDocStoreOptions = {}) => {
  const path = await files.newPath()
  const store = openAt(path, opts)
  await store.append('b', Array.from({ length: entries }, (_, i) => ({ update: new Uint8Array([i]), userId: 'u' })))
  return { path, store }
}

describe('SQLite snapshots in parts', () => {
  it('stores a snapshot bigger than a part as parts, loads it whole, and drops the parts it replaces', async () => {
    const { path, store } = await withEntries(3)
    const look = inspect(path)
    const first = bytes(PART * 3 + 5)
    await store.compact('b', first, 1)
    expect(look.row('b')).toMatchObject({ seq: 1, size: 0, parts: 4 })
    expect(look.parts('b').map((p) => [p.part, p.size])).toEqual([[0, PART], [1, PART], [2, PART], [3, 5]])
    const loaded = (await store.load('b')).snapshot!
    expect(loaded).toEqual(first)
    // Put together with room in front, handed over to whoever frames it (framable-bytes.ts).
    expect(claimHeadRoom(loaded)).toBe(FRAME_HEAD_ROOM)

    const second = bytes(PART * 2 + 1, 7)
    await store.compact('b', second, 2)
    expect(look.parts('b').map((p) => [p.write_id, p.part])).toEqual([0, 1, 2].map((part) => [look.row('b')!.write_id, part]))
    expect((await store.load('b')).snapshot).toEqual(second)

    // A snapshot that fits one part is stored whole, and takes the parts with it.
    const small = bytes(PART, 9)
    await store.compact('b', small, 3)
    expect(look.row('b')).toMatchObject({ seq: 3, size: PART, parts: 0, write_id: null })
    expect(look.parts('b')).toEqual([])
    expect(await store.load('b')).toMatchObject({ snapshot: small, snapshotSeq: 3, updates: [] })
    look.close()
    await store.close()
  })

  it('commits appends between the parts of a snapshot being written', async () => {
    const { store } = await withEntries(1)
    const order: string[] = []
    const compaction = store.compact('b', bytes(PART * 200), 1).then(() => order.push('snapshot'))
    const append = store.append('b', [{ update: new Uint8Array([1]), userId: 'u' }]).then(() => order.push('append'))
    await Promise.all([compaction, append])
    expect(order).toEqual(['append', 'snapshot'])
    expect(await store.load('b')).toMatchObject({ snapshotSeq: 1, headSeq: 2 })
    await store.close()
  })

  it('reads a snapshot in parts a part per turn, and commits appends meanwhile', async () => {
    const { store } = await withEntries(1, { fsync: async () => {} })
    await store.compact('b', bytes(PART * 200, 3), 1)
    const order: string[] = []
    const loading = store.load('b').then((loaded) => (order.push('load'), loaded))
    const append = store.append('b', [{ update: new Uint8Array([1]), userId: 'u' }]).then(() => order.push('append'))
    const [loaded] = await Promise.all([loading, append])
    expect(order).toEqual(['append', 'load'])
    // Read whole and with the log as of its end: the entry appended meanwhile is in it.
    expect(loaded).toMatchObject({ snapshot: bytes(PART * 200, 3), snapshotSeq: 1, headSeq: 2 })
    expect(loaded.updates.map((u) => u.seq)).toEqual([2])
    await store.close()
  })

  it('loads one whole snapshot and the log after it while others are written and their parts deleted', async () => {
    const rounds = 12
    const { store } = await withEntries(rounds + 1)
    // Snapshot n: its own bytes and size, so a part of another, or a part missing, shows. Each is
    // smaller than the one before: it is named while a load still reads the one before.
    const snapshotOf = (seq: number) => bytes(PART * (200 - seq * 9) + seq, seq)
    await store.compact('b', snapshotOf(1), 1)
    for (let seq = 2; seq <= rounds; seq++) {
      const [loaded] = await Promise.all([store.load('b'), store.compact('b', snapshotOf(seq), seq)])
      expect(loaded.snapshot).toEqual(snapshotOf(loaded.snapshotSeq))
      expect(loaded.updates[0]!.seq).toBe(loaded.snapshotSeq + 1)
    }
    await store.close()
  })

  it('writes nothing for a snapshot older than the stored one', async () => {
    let fsyncs = 0
    const { path, store } = await withEntries(3, { fsync: async () => void fsyncs++ })
    await store.compact('b', bytes(PART * 2, 1), 3)
    const look = inspect(path)
    const before = look.parts('b')
    const synced = fsyncs
    await store.compact('b', bytes(PART * 5), 2)
    expect(fsyncs).toBe(synced)
    expect(look.parts('b')).toEqual(before)
    expect((await store.load('b')).snapshot).toEqual(bytes(PART * 2, 1))
    look.close()
    await store.close()
  })

  it('keeps the newest of snapshots written at once, each whole', async () => {
    // An fsync that takes no time: nothing but the store's own order keeps the writes apart.
    const { path, store } = await withEntries(3, { fsync: async () => {} })
    // The newest takes longest to write: the others must not take its parts for ones no row names.
    const newer = bytes(PART * 40, 3)
    await Promise.all([store.compact('b', newer, 3), store.compact('b', bytes(PART * 6, 5), 2), store.compact('b', bytes(PART * 2), 1)])
    expect(await store.load('b')).toMatchObject({ snapshot: newer, snapshotSeq: 3 })
    const look = inspect(path)
    expect(look.parts('b')).toHaveLength(40)
    look.close()
    await store.close()
  })

  it('stops a write cut short by close(): the snapshot before stands, and its parts go at the next compaction', async () => {
    const { path, store } = await withEntries(3)
    const before = bytes(PART * 2, 2)
    await store.compact('b', before, 1)
    const cut = expectStoreError(store.compact('b', bytes(PART * 500), 2), 'closed')
    await new Promise((r) => setImmediate(r))
    await store.close()
    await cut
    const look = inspect(path)
    const left = look.parts('b').length
    expect(left).toBeGreaterThan(2) // the old snapshot's parts, and some of the unfinished one's
    expect(left).toBeLessThan(502)

    const reopened = openAt(path)
    expect(await reopened.load('b')).toMatchObject({ snapshot: before, snapshotSeq: 1 })
    await reopened.compact('b', bytes(PART * 3, 4), 3)
    expect(look.parts('b').map((p) => p.write_id)).toEqual(Array(3).fill(look.row('b')!.write_id))
    expect((await reopened.load('b')).snapshot).toEqual(bytes(PART * 3, 4))
    look.close()
    await reopened.close()
  })

  it("refuses to load a snapshot with a part missing, with StoreError 'io'", async () => {
    const { path, store } = await withEntries(1)
    await store.compact('b', bytes(PART * 3), 1)
    const raw = new Database(path)
    raw.prepare("DELETE FROM snapshot_parts WHERE book_id = 'b' AND part = 1").run()
    raw.close()
    await expectStoreError(store.load('b'), 'io')
    await store.close()
  })

  it('loads a snapshot stored before the parts existed, and replaces it with parts', async () => {
    const path = await files.newPath()
    const old = new Database(path)
    old.pragma('journal_mode = WAL')
    migrateSqlite(old, SQLITE_MIGRATIONS.slice(0, 1))
    old.prepare("INSERT INTO book_log (book_id, seq, user_id, at, \"update\") VALUES ('b', 1, 'u', 0, x'01'), ('b', 2, 'u', 0, x'02')").run()
    old.prepare("INSERT INTO snapshots (book_id, seq, data) VALUES ('b', 1, ?)").run(bytes(PART * 3))
    old.close()

    const store = openAt(path)
    expect(await store.load('b')).toMatchObject({ snapshot: bytes(PART * 3), snapshotSeq: 1, headSeq: 2 })
    await store.compact('b', bytes(PART * 3, 1), 2)
    expect((await store.load('b')).snapshot).toEqual(bytes(PART * 3, 1))
    await store.close()
  })
})
