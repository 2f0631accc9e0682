// SQLite DocStore: the shared contract on real files, plus what only SQLite has: group commit,
// failed batches, and an acknowledged append surviving a SIGKILL of the writing process.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { DocStore, StoredUpdate } from './doc-store'
import { runDocStoreContract } from './doc-store.contract'
import { expectStoreError } from './expect-store-error'
import { openSqliteDatabase } from './sqlite-database'
import { createSqliteDocStore, type SqliteDocStoreOptions } from './sqlite-doc-store'
import { createSqliteTempFiles } from './sqlite-temp-files'

const files = createSqliteTempFiles('doc-store')
const pathOf = new Map<DocStore, string>()
const openAt = (path: string, opts: SqliteDocStoreOptions = {}) => {
  const store = createSqliteDocStore(openSqliteDatabase(path), { closeDatabase: true, ...opts })
  pathOf.set(store, path)
  return store
}

runDocStoreContract('sqlite', {
  open: async () => openAt(await files.newPath()),
  async reopen(previous) {
    await previous.close()
    return openAt(pathOf.get(previous)!)
  },
  cleanup: () => files.cleanup(),
})

describe('SQLite DocStore', () => {
  const extra = createSqliteTempFiles('doc-store-extra')
  afterAll(() => extra.cleanup())

  /** Counts commits through the clock: a batch reads it once, inside its transaction. */
  const countingClock = () => {
    const clock = { batches: 0, now: () => (clock.batches++, Date.now()) }
    return clock
  }

  it('commits the appends of one burst in one transaction', async () => {
    const clock = countingClock()
    const store = openAt(await extra.newPath(), { now: clock.now })
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.append('b', [{ update: new Uint8Array([i]), userId: 'u' }])),
    )
    expect(clock.batches).toBe(1)
    expect(results.flat().map((u) => u.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    expect(new Set(results.flat().map((u) => u.at)).size).toBe(1)
    await store.close()
  })

  it('commits at once when a batch reaches its size bound, and bounds every transaction', async () => {
    const clock = countingClock()
    const store = openAt(await extra.newPath(), { now: clock.now, maxBatchEntries: 10, maxBatchBytes: 1000 })
    const appends = Array.from({ length: 25 }, (_, i) => store.append('b', [{ update: new Uint8Array([i]), userId: 'u' }]))
    expect(clock.batches).toBe(1) // the first 10 went before the burst ended; the next batches queue behind it
    const big = store.append('b', [{ update: new Uint8Array(1000), userId: 'u' }])
    const seqs = (await Promise.all([...appends, big])).flat().map((u) => u.seq)
    expect(seqs).toEqual(Array.from({ length: 26 }, (_, i) => i + 1))
    expect(clock.batches).toBe(3) // 10, 10, then the last 5 with the one that reached the byte bound
    await store.close()
  })

  it("rejects every caller of a failed batch with 'io', keeps the cause, and assigns no seqs", async () => {
    const path = await extra.newPath()
    const db = openSqliteDatabase(path)
    const store = createSqliteDocStore(db)
    const entry = (userId: string) => [{ userId, update: new Uint8Array([1]) }]
    expect((await store.append('a', entry('u')))[0]!.seq).toBe(1)
    // A stand-in for a disk error: the trigger fails the batch half way through its inserts.
    db.exec(`CREATE TEMP TRIGGER fail_boom BEFORE INSERT ON book_log WHEN NEW.user_id = 'boom'
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END`)
    const batch = [store.append('a', entry('u')), store.append('b', entry('u')), store.append('a', entry('boom'))]
    for (const call of batch) {
      const error = (await expectStoreError(call, 'io')) as Error
      expect(String((error.cause as Error).message)).toContain('injected failure')
    }
    db.exec('DROP TRIGGER fail_boom')
    const [a, b] = await Promise.all([store.append('a', entry('u')), store.append('b', entry('u'))])
    expect([a![0]!.seq, b![0]!.seq]).toEqual([2, 1])
    expect((await store.readSince('a', 0)).map((u) => u.seq)).toEqual([1, 2])
    await store.close()
    db.close()
  })

  it('keeps an acknowledged append when the writing process is killed with SIGKILL', async () => {
    const path = await extra.newPath()
    const fixture = fileURLToPath(new URL('./sqlite-crash-writer.fixture.ts', import.meta.url))
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
    const child = spawn(process.execPath, ['--import', tsx, fixture, path, 'crash-book'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes('acked')) child.kill('SIGKILL')
    })
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, s) => resolve(s)))
    expect(signal, `child exited on its own: ${stderr}`).toBe('SIGKILL')

    const acked = [...stdout.matchAll(/acked (\d+) (\d+)\n/g)].map((m) => ({ seq: Number(m[1]), byte: Number(m[2]) }))
    expect(acked.length).toBeGreaterThan(0)
    const store = openAt(path)
    const log: StoredUpdate[] = await store.readSince('crash-book', 0)
    expect(log.map((u) => u.seq)).toEqual(Array.from({ length: log.length }, (_, i) => i + 1))
    for (const { seq, byte } of acked) {
      const stored = log[seq - 1]
      expect(stored, `acknowledged seq ${seq} was lost`).toBeDefined()
      expect(stored?.update).toHaveLength(4096)
      expect(stored?.update.every((x) => x === byte)).toBe(true)
    }
    await store.close()
  })
})
