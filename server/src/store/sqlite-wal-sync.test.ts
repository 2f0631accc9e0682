// The SQLite DocStore's own WAL fsync: an append resolves only after an fsync of the WAL file
// that started after its commit, callers share fsyncs, and the rest of the connection keeps FULL.
import { fstatSync, statSync } from 'node:fs'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { expectStoreError } from './expect-store-error'
import { openSqliteDatabase } from './sqlite-database'
import { createSqliteDocStore } from './sqlite-doc-store'
import { createSqliteTempFiles } from './sqlite-temp-files'
import { createWalSync } from './sqlite-wal-sync'

const files = createSqliteTempFiles('wal-sync')
afterAll(() => files.cleanup())

/** An fsync the test releases by hand, recording what was committed when each one started. */
const manualFsync = (path: string) => {
  const calls: { fd: number; rowsAtStart: number; release: () => void; fail: (e: Error) => void }[] = []
  const reader = new Database(path, { readonly: true, fileMustExist: true })
  const rows = () => (reader.prepare('SELECT count(*) AS n FROM book_log').get() as { n: number }).n
  return {
    calls,
    fsync: (fd: number) =>
      new Promise<void>((release, fail) => calls.push({ fd, rowsAtStart: rows(), release, fail })),
    close: () => reader.close(),
  }
}

/** A DocStore on a fresh file whose WAL fsyncs the test releases by hand. */
const storeWithManualFsync = async () => {
  const path = await files.newPath()
  const db = openSqliteDatabase(path)
  let fsync: ReturnType<typeof manualFsync> | null = null
  const store = createSqliteDocStore(db, { closeDatabase: true, fsync: (fd) => fsync!.fsync(fd) })
  fsync = manualFsync(path) // the file exists once the store has migrated it
  return {
    path,
    db,
    store,
    fsync,
    close: async () => {
      fsync.close()
      await store.close()
    },
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))
/** Waits until `n` fsyncs have started (a loaded machine may take longer than a tick). */
const fsyncsStarted = async (fsync: { calls: unknown[] }, n: number) => {
  const deadline = Date.now() + 5_000
  while (fsync.calls.length < n && Date.now() < deadline) await tick()
}
const append = (store: ReturnType<typeof createSqliteDocStore>, byte: number) =>
  store.append('b', [{ update: new Uint8Array([byte]), userId: 'u' }])

describe('SQLite DocStore WAL fsync', () => {
  it('acknowledges an append only after an fsync of the WAL that started after its commit', async () => {
    const { path, db, store, fsync, close } = await storeWithManualFsync()
    let acked = false
    const first = append(store, 1).then((r) => ((acked = true), r))
    await fsyncsStarted(fsync, 1)
    expect(fsync.calls).toHaveLength(1)
    expect(fsync.calls[0]!.rowsAtStart).toBe(1) // committed before the fsync started
    expect(fstatSync(fsync.calls[0]!.fd).ino).toBe(statSync(`${path}-wal`).ino)
    expect(acked).toBe(false)
    expect(db.pragma('synchronous', { simple: true })).toBe(2) // FULL again for everything else

    fsync.calls[0]!.release()
    expect((await first)[0]!.seq).toBe(1)

    await close()
  })

  it('lets appends committed during an fsync share the next one', async () => {
    const { store, fsync, close } = await storeWithManualFsync()

    const first = append(store, 1)
    await fsyncsStarted(fsync, 1)
    const later = [append(store, 2), append(store, 3)]
    await tick()
    expect(fsync.calls).toHaveLength(1) // the next batch waits for the fsync in flight
    fsync.calls[0]!.release()
    await first
    await fsyncsStarted(fsync, 2)
    expect(fsync.calls).toHaveLength(2)
    expect(fsync.calls[1]!.rowsAtStart).toBe(3) // both later appends in one commit, one fsync
    fsync.calls[1]!.release()
    expect((await Promise.all(later)).flat().map((u) => u.seq)).toEqual([2, 3])

    await close()
  })

  it('fsyncs snapshots like appends, and a prune with nothing due writes nothing', async () => {
    const { store, fsync, close } = await storeWithManualFsync()
    const appended = append(store, 1)
    await fsyncsStarted(fsync, 1)
    fsync.calls[0]!.release()
    await appended
    const compacted = store.compact('b', new Uint8Array([0, 0]), 1)
    await fsyncsStarted(fsync, 2)
    fsync.calls[1]!.release()
    await compacted
    expect(await store.pruneLog('b', 0)).toBe(0) // entry 1 is folded but not old enough
    await tick()
    expect(fsync.calls).toHaveLength(2)
    const pruned = store.pruneLog('b', Date.now() + 60_000)
    await fsyncsStarted(fsync, 3)
    fsync.calls[2]!.release()
    expect(await pruned).toBe(1)
    await close()
  })

  it('rejects the appends of a batch whose fsync failed with StoreError io', async () => {
    const { store, fsync, close } = await storeWithManualFsync()

    const failing = append(store, 1)
    await fsyncsStarted(fsync, 1)
    fsync.calls[0]!.fail(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }))
    await expectStoreError(failing, 'io')

    await close()
  })

  it('syncs the real file by default, and shares a sync between callers that arrive during one', async () => {
    const path = await files.newPath()
    const db = openSqliteDatabase(path)
    db.exec('CREATE TABLE t (x)')
    let started = 0
    const sync = createWalSync(db, {
      fsync: async (fd) => {
        started++
        fstatSync(fd) // a real, open descriptor
        await tick()
      },
    })!
    const first = sync.sync()
    const joiners = [sync.sync(), sync.sync(), sync.sync()]
    await Promise.all([first, ...joiners])
    expect(started).toBe(2) // the one in flight, and one after it for the three that joined

    const real = createWalSync(db)!
    await real.sync()
    await real.close()
    await sync.close()
    db.close()
  })

  it('has nothing to sync for a database in memory', () => {
    const db = openSqliteDatabase(':memory:')
    expect(createWalSync(db)).toBeNull()
    db.close()
  })
})
