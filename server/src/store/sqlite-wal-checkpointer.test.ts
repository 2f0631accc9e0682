// WAL checkpoints on a worker thread: the worker copies the WAL into the database file, the
// connection keeps only a backstop threshold, the WAL stays bounded under continuous writes, and
// a failed worker hands checkpointing back to the connection.
import { execFile } from 'node:child_process'
import { statSync, unlinkSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { openSqliteDatabase, type SqliteDatabase } from './sqlite-database'
import { createSqliteTempFiles } from './sqlite-temp-files'
import { startWalCheckpointer, type CheckpointRun, type WalCheckpointer } from './sqlite-wal-checkpointer'
import type { StoreError } from './store-error'

const files = createSqliteTempFiles('wal-checkpointer')
afterAll(() => files.cleanup())

const openWithTable = async () => {
  const path = await files.newPath()
  const db = openSqliteDatabase(path)
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)')
  db.pragma('synchronous = NORMAL')
  return { path, db }
}

/** Commits `count` transactions of `rows` rows of 1 KiB each, telling the checkpointer after each. */
const writeRows = (db: SqliteDatabase, checkpointer: WalCheckpointer | null, count: number, rows = 16) => {
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
  const commit = db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(Buffer.alloc(1024, i))
  })
  for (let c = 0; c < count; c++) {
    commit()
    checkpointer?.afterWrite()
  }
}

const until = async (check: () => boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('WAL checkpointer', () => {
  it('copies the WAL into the database file on its worker; the connection keeps only a backstop', async () => {
    const { path, db } = await openWithTable()
    const runs: CheckpointRun[] = []
    const checkpointer = startWalCheckpointer(db, { minIntervalMs: 0, fallbackPages: 4_000, onCheckpoint: (r) => runs.push(r) })!
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(4_000)
    const before = statSync(path).size
    writeRows(db, null, 64) // ≈1 MiB, below the backstop: only the worker can have copied it
    await until(() => {
      checkpointer.afterWrite()
      return runs.some((r) => r.rounds > 0 && r.frames > 0 && r.checkpointed === r.frames)
    }, 'a checkpoint by the worker')
    expect(statSync(path).size).toBeGreaterThan(before + 1024 * 1024)
    await checkpointer.close()
    db.close()
  })

  it("raises the backstop of the file's connections for a long write, and lowers it again only after the worker has checkpointed", async () => {
    const { path, db } = await openWithTable()
    const runs: CheckpointRun[] = []
    const checkpointer = startWalCheckpointer(db, { minIntervalMs: 50, fallbackPages: 4_000, onCheckpoint: (r) => runs.push(r) })!
    // Another connection of this process to the file (the bridge's state store shares the relay's).
    const other = openSqliteDatabase(path)
    const otherCheckpointer = startWalCheckpointer(other, { fallbackPages: 3_000 })!
    const threshold = () => db.pragma('wal_autocheckpoint', { simple: true })
    const first = checkpointer.roomFor(1_000)
    const second = checkpointer.roomFor(500)
    expect(threshold()).toBe(5_500)
    expect(other.pragma('wal_autocheckpoint', { simple: true })).toBe(4_500)
    writeRows(db, checkpointer, 80, 64) // ≈5 MiB in a row
    first()
    first() // once only
    expect(threshold()).toBe(5_500) // until the worker has copied what was written
    const runsBefore = runs.length
    await until(() => threshold() === 4_500, 'the first room given back')
    expect(runs.length).toBeGreaterThan(runsBefore)
    second()
    await until(() => threshold() === 4_000, 'the second room given back')
    expect(other.pragma('wal_autocheckpoint', { simple: true })).toBe(3_000)
    await otherCheckpointer.close()
    other.close()
    await checkpointer.close()
    expect(threshold()).toBe(1_000)
    checkpointer.roomFor(100)() // after close: nothing to raise or give back
    expect(threshold()).toBe(1_000)
    db.close()
  })

  it('keeps the WAL bounded under continuous writes', async () => {
    const { path, db } = await openWithTable()
    const checkpointer = startWalCheckpointer(db, { minIntervalMs: 0, fallbackPages: 1_000 })!
    await until(() => {
      writeRows(db, checkpointer, 1)
      return statSync(path).size > 64 * 1024 // the worker is up and checkpointing
    }, 'the worker')
    for (let round = 0; round < 80; round++) {
      writeRows(db, checkpointer, 20) // 80 × 320 KiB = 25 MiB in all
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    // Without checkpoints the WAL would hold all 25 MiB; it restarts once the worker (or, while the
    // worker is mid-copy, the backstop at ≈4 MiB) has copied it all.
    expect(statSync(`${path}-wal`).size).toBeLessThan(12 * 1024 * 1024)
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBeGreaterThan(25_600)
    await checkpointer.close()
    db.close()
  })

  it('shares one worker between the connections of one file, until the last one closes', async () => {
    const { path, db } = await openWithTable()
    const other = openSqliteDatabase(path)
    const seenByA: CheckpointRun[] = []
    const seenByB: CheckpointRun[] = []
    const a = startWalCheckpointer(db, { minIntervalMs: 0, onCheckpoint: (r) => seenByA.push(r) })!
    const b = startWalCheckpointer(other, { minIntervalMs: 0, onCheckpoint: (r) => seenByB.push(r) })!
    await until(() => {
      writeRows(db, a, 1)
      return seenByA.length > 0
    }, 'a checkpoint requested through the first connection')
    expect(seenByB.length).toBe(seenByA.length) // the same worker answered both
    await a.close()
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000)
    expect(other.pragma('wal_autocheckpoint', { simple: true })).toBe(4_000)
    const before = seenByB.length
    await until(() => {
      writeRows(other, b, 1)
      return seenByB.length > before
    }, 'the worker to go on serving the second connection')
    await b.close()
    other.close()
    db.close()
  })

  it("hands checkpointing back to the connection (SQLite's default) when the worker fails", async () => {
    const { path, db } = await openWithTable()
    unlinkSync(path) // the open connection keeps working; the worker cannot open the file
    const errors: StoreError[] = []
    const checkpointer = startWalCheckpointer(db, { onError: (e) => errors.push(e) })!
    await until(() => errors.length > 0, 'the worker to fail')
    expect(errors[0]).toMatchObject({ name: 'StoreError', code: 'io' })
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000)
    writeRows(db, checkpointer, 2) // afterWrite on a failed worker is harmless
    await checkpointer.close()
    db.close()
  })

  it("stops on close() and restores SQLite's default; in-memory databases get none", async () => {
    const { db } = await openWithTable()
    const checkpointer = startWalCheckpointer(db)!
    await checkpointer.close()
    await checkpointer.close()
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000)
    checkpointer.afterWrite()
    db.close()
    expect(startWalCheckpointer(openSqliteDatabase(':memory:'))).toBeNull()
  })

  it('holds the process until its close() is done, though an idle worker never does', async () => {
    // A process with nothing else to do: the one where a close that nothing waits for would be cut short.
    const path = await files.newPath()
    const script = `
      import { openSqliteDatabase } from ${JSON.stringify(new URL('./sqlite-database.ts', import.meta.url).href)}
      import { startWalCheckpointer } from ${JSON.stringify(new URL('./sqlite-wal-checkpointer.ts', import.meta.url).href)}
      const db = openSqliteDatabase(process.argv[1])
      await startWalCheckpointer(db).close()
      db.close()
      console.log('closed')`
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, path])
    expect(stdout.trim()).toBe('closed')
  })
})
