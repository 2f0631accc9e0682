// PostgreSQL DocStore: the shared contract on the local database, plus what only it has: group
// commit, failed batches, and several relay instances (separate pools) writing the same books.
import { setImmediate as nextTick, setTimeout as sleep } from 'node:timers/promises'
import type { Pool } from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { DocStore, StoredUpdate } from './doc-store'
import { runDocStoreContract } from './doc-store.contract'
import { bytes, entry, newBookId, range, seqsOf } from './doc-store-test-data'
import { expectStoreError } from './expect-store-error'
import { claimHeadRoom, FRAME_HEAD_ROOM } from '../framable-bytes'
import { createPostgresDocStore, type PostgresDocStoreOptions } from './postgres-doc-store'
import { createPostgresTestSchema } from './postgres-test-schema'

const contractDb = createPostgresTestSchema('doc_store')

runDocStoreContract('postgres', {
  open: async () => createPostgresDocStore(await contractDb.migratedPool(), { closePool: true }),
  async reopen(previous) {
    await previous.close()
    return createPostgresDocStore(await contractDb.migratedPool(), { closePool: true })
  },
  cleanup: () => contractDb.drop(),
})

describe('PostgreSQL DocStore', () => {
  const db = createPostgresTestSchema('doc_store_extra')
  let opened: DocStore[] = []
  /** Each store has its own pool, as each relay instance (process) would. */
  const openInstance = async (opts: PostgresDocStoreOptions = {}) => {
    const store = createPostgresDocStore(await db.migratedPool(), { closePool: true, ...opts })
    opened.push(store)
    return store
  }
  afterEach(async () => {
    await Promise.all(opened.map((s) => s.close()))
    opened = []
  })
  afterAll(() => db.drop())

  /**
   * Waits until `count` connections wait for a lock on the book heads (or fails after 5 s). Not
   * from inside a transaction: pg_stat_activity would show the same cached rows every time.
   */
  const untilWaitingOnLocks = async (pool: Pool, count: number) => {
    const deadline = Date.now() + 5_000
    for (;;) {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()
            AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO book_heads%'`,
      )
      if (rows[0]!.n >= count) return
      if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${count} writers waited for a lock`)
      await sleep(10)
    }
  }

  /** Counts commits through the clock: a batch reads it once, inside its transaction. */
  const countingClock = () => {
    const clock = { batches: 0, now: () => (clock.batches++, Date.now()) }
    return clock
  }

  it('commits the appends of one tick in one transaction', async () => {
    const clock = countingClock()
    const store = await openInstance({ now: clock.now })
    const book = newBookId()
    const results = await Promise.all(range(0, 49).map((i) => store.append(book, [entry('u', i)])))
    expect(clock.batches).toBe(1)
    expect(results.flat().map((u) => u.seq)).toEqual(range(1, 50))
    expect(new Set(results.flat().map((u) => u.at)).size).toBe(1)
  })

  it('cuts batches at their size bound, and later ones keep call order', async () => {
    const clock = countingClock()
    const store = await openInstance({ now: clock.now, maxBatchEntries: 10, maxBatchBytes: 1000 })
    const book = newBookId()
    const appends = range(0, 24).map((i) => store.append(book, [entry('u', i)]))
    const big = store.append(book, [{ update: new Uint8Array(1000), userId: 'u' }])
    const seqs = (await Promise.all([...appends, big])).flat().map((u) => u.seq)
    expect(seqs).toEqual(range(1, 26))
    expect(clock.batches).toBe(3) // 10 + 10 + (5 and the big one, which fills the byte bound)
  })

  it("rejects every caller of a failed batch with 'io', keeps the cause, and assigns no seqs", async () => {
    const store = await openInstance()
    const pool = await db.migratedPool()
    const [a, b] = [newBookId(), newBookId()]
    const one = (userId: string) => [entry(userId, 1)]
    expect(seqsOf(await store.append(a, one('u')))).toEqual([1])
    // A stand-in for a server-side failure half way through the batch's inserts.
    await pool.query(`
      CREATE FUNCTION fail_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.user_id = 'boom' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER fail_boom BEFORE INSERT ON book_log FOR EACH ROW EXECUTE FUNCTION fail_boom();`)
    try {
      const batch = [store.append(a, one('u')), store.append(b, one('u')), store.append(a, one('boom'))]
      for (const call of batch) {
        const error = (await expectStoreError(call, 'io')) as Error
        expect(String((error.cause as Error).message)).toContain('injected failure')
      }
    } finally {
      await pool.query('DROP TRIGGER fail_boom ON book_log; DROP FUNCTION fail_boom()')
      await pool.end()
    }
    const [againA, againB] = await Promise.all([store.append(a, one('u')), store.append(b, one('u'))])
    expect([seqsOf(againA!), seqsOf(againB!)]).toEqual([[2], [1]])
    expect(seqsOf(await store.readSince(a, 0))).toEqual([1, 2])
  })

  it('gives two instances appending to one book distinct gapless seqs; readers never see a gap', async () => {
    const instances = [await openInstance(), await openInstance()]
    const reader = await openInstance()
    const book = newBookId()
    const calls: { instance: number; values: number[]; result: Promise<StoredUpdate[]> }[] = []
    let writing = true
    const reads = (async () => {
      let checks = 0
      while (writing || checks === 0) {
        const seen = seqsOf(await reader.readSince(book, 0))
        expect(seen).toEqual(range(1, seen.length))
        checks++
      }
      return checks
    })()
    for (let round = 0; round < 40; round++) {
      instances.forEach((store, instance) => {
        const values = range(0, (round + instance) % 3).map((j) => (round * 8 + instance * 4 + j) % 256)
        calls.push({ instance, values, result: store.append(book, values.map((v) => entry(`i${instance}`, v))) })
      })
      await nextTick()
    }
    const results = await Promise.all(calls.map((c) => c.result))
    writing = false
    expect(await reads).toBeGreaterThan(0)

    const total = calls.reduce((n, c) => n + c.values.length, 0)
    expect(results.flat().map((u) => u.seq).sort((x, y) => x - y)).toEqual(range(1, total))
    for (const instance of [0, 1]) {
      const mine = results.filter((_, i) => calls[i]!.instance === instance).flat()
      expect(seqsOf(mine)).toEqual(seqsOf(mine).slice().sort((x, y) => x - y)) // call order
    }
    const log = await reader.readSince(book, 0)
    expect(seqsOf(log)).toEqual(range(1, total))
    for (const [i, call] of calls.entries()) {
      for (const [j, stored] of results[i]!.entries()) {
        expect(log[stored.seq - 1]).toMatchObject({ userId: `i${call.instance}`, update: bytes(call.values[j]!) })
      }
    }
  })

  it('lets two instances write the same books in opposite orders without deadlocking', async () => {
    const [one, two] = [await openInstance(), await openInstance()]
    const books = range(1, 5).map(() => newBookId())
    await Promise.all(books.map((book) => one.append(book, [entry('u', 0)])))
    // Hold one book's head row so that both batches (one in book order, the other reversed) are in
    // flight at once, each holding the rows it locked before that one; then let them go. Without
    // one lock order for every instance each would now hold a row the other waits for.
    const pool = await db.migratedPool()
    const blocker = await pool.connect()
    try {
      await blocker.query('BEGIN')
      await blocker.query('SELECT 1 FROM book_heads WHERE book_id = $1 FOR UPDATE', [books[2]])
      const appends = [
        ...books.map((book) => one.append(book, [entry('one', 1)])),
        ...books.toReversed().map((book) => two.append(book, [entry('two', 2)])),
      ]
      await untilWaitingOnLocks(pool, 2)
      await blocker.query('COMMIT')
      await Promise.all(appends)
    } finally {
      blocker.release()
      await pool.end()
    }
    for (const book of books) expect(seqsOf(await one.readSince(book, 0))).toEqual([1, 2, 3])
  })

  it('keeps the newest snapshot when several instances compact one book at once', async () => {
    const [one, two] = [await openInstance(), await openInstance()]
    const book = newBookId()
    await one.append(book, range(1, 10).map((i) => entry('u', i)))
    await Promise.all([
      one.compact(book, bytes(5), 5),
      two.compact(book, bytes(8), 8),
      one.compact(book, bytes(3), 3),
      two.compact(book, bytes(7), 7),
    ])
    expect(await two.load(book)).toMatchObject({ snapshot: bytes(8), snapshotSeq: 8, headSeq: 10 })
    expect(seqsOf((await one.load(book)).updates)).toEqual([9, 10])
  })

  it('reads a snapshot bigger than a read part in parts, byte-exact, and one of a part or less whole', async () => {
    const store = await openInstance({ snapshotReadPartBytes: 16 })
    const book = newBookId()
    const sizes = [15, 16, 17, 32, 33, 1000]
    await store.append(book, range(1, sizes.length).map((i) => entry('u', i)))
    for (const [i, size] of sizes.entries()) {
      const snapshot = Uint8Array.from({ length: size }, (_, k) => (k * 7 + i) % 256)
      await store.compact(book, snapshot, i + 1)
      const loaded = await store.load(book)
      expect(loaded).toMatchObject({ snapshot, snapshotSeq: i + 1 })
      // One read in parts is put together with room in front, handed over to whoever frames it.
      expect(claimHeadRoom(loaded.snapshot!)).toBe(size > 16 ? FRAME_HEAD_ROOM : 0)
    }
  })

  it('reads every part of a snapshot from one version while another instance replaces it', async () => {
    const reader = await openInstance({ snapshotReadPartBytes: 16 })
    const writer = await openInstance()
    const book = newBookId()
    const rounds = 12
    await writer.append(book, range(1, rounds).map((i) => entry('u', i)))
    // Snapshot n is n bytes of n, 4,000 and more long: 250 and more parts for each load.
    const snapshotOf = (seq: number) => new Uint8Array(4000 + seq * 16).fill(seq)
    await writer.compact(book, snapshotOf(1), 1)
    let loads = 0
    const compactions = (async () => {
      for (let seq = 2; seq <= rounds; seq++) {
        await writer.compact(book, snapshotOf(seq), seq)
        // Paced by the reader (a load restarts while versions keep changing under it, and on a slow
        // host it may never finish between two compactions): a few loads end between rounds, and
        // the next compaction lands while the next load is reading its parts.
        const before = loads
        for (let waited = 0; loads === before && waited < 2_000; waited += 5) await sleep(5)
        await sleep(10)
      }
    })()
    const seen = new Set<number>()
    let done = false
    void compactions.finally(() => (done = true))
    while (!done) {
      const { snapshot, snapshotSeq } = await reader.load(book)
      expect(snapshot).toEqual(snapshotOf(snapshotSeq))
      seen.add(snapshotSeq)
      loads++
    }
    await compactions
    expect(seen.size).toBeGreaterThan(1)
  })
})
