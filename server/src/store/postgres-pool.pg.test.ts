// The pool's deadlines on a real PostgreSQL: every connection starts with our statement_timeout (over
// a URL's own); a statement past it, a wait for a pooled connection past connectionTimeoutMs, a
// server that never answers a new connection and one that stops answering an open one (a frozen
// server, a silent network) end as StoreError 'timeout' instead of hanging, and the pool stays usable.
import net from 'node:net'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectStoreError } from './expect-store-error'
import { createPostgresBookDirectory } from './postgres-book-directory'
import { createPostgresDocStore } from './postgres-doc-store'
import { migratePostgres } from './postgres-migrations'
import { createPostgresPool } from './postgres-pool'
import { inTransaction } from './postgres-transaction'
import { createPostgresTestSchema } from './postgres-test-schema'
import { startFreezableTcpProxy } from '../testing/freezable-tcp-proxy'

const db = createPostgresTestSchema('pool_deadlines')
let locker: pg.Client

beforeAll(async () => {
  await db.migratedPool()
  locker = new pg.Client({ connectionString: db.url, options: `-c search_path=${db.schema}` })
  await locker.connect()
})
afterAll(async () => {
  await locker?.end()
  await db.drop()
})

const entry = (byte: number) => [{ update: new Uint8Array([byte]), userId: 'alice' }]

/** `fn`'s outcome while another session holds `tables` locked (ACCESS EXCLUSIVE) in an open transaction. */
const whileLocked = async <T>(tables: string, fn: () => Promise<T>): Promise<T> => {
  await locker.query('BEGIN')
  await locker.query(`LOCK TABLE ${tables} IN ACCESS EXCLUSIVE MODE`)
  try {
    return await fn()
  } finally {
    await locker.query('ROLLBACK')
  }
}

/** `p`'s rejection, and how many ms it took to come. */
const timed = async (p: Promise<unknown>, code: 'timeout') => {
  const started = Date.now()
  const error = (await expectStoreError(p, code)) as Error
  return { error, ms: Date.now() - started }
}

describe('PostgreSQL pool deadlines', () => {
  it('starts every connection with its statement_timeout, over the URL’s own, and with TCP keep-alive', async () => {
    const url = new URL(db.url)
    url.searchParams.set('options', '-c statement_timeout=0')
    const pools = [
      createPostgresPool(url.toString(), { statementTimeoutMs: 250 }),
      createPostgresPool(db.url), // the default
      createPostgresPool(url.toString(), { statementTimeoutMs: 0 }),
    ]
    try {
      const settings = await Promise.all(
        pools.map(async (pool) => (await pool.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout),
      )
      expect(settings).toEqual(['250ms', '30s', '0'])
      expect(pools[1]!.options).toMatchObject({ keepAlive: true, keepAliveInitialDelayMillis: 10_000, connectionTimeoutMillis: 10_000 })
      // The server's end probes too (over TCP; a Unix socket would show 0).
      const probes = await pools[1]!.query<{ idle: string; interval: string; count: string }>(
        "SELECT current_setting('tcp_keepalives_idle') AS idle, current_setting('tcp_keepalives_interval') AS interval, current_setting('tcp_keepalives_count') AS count",
      )
      expect(probes.rows[0]).toEqual({ idle: '10', interval: '10', count: '3' }) // seconds
      // The client waits for an answer 5 s longer than the server takes to cancel; none without a limit.
      expect(pools.map((pool) => pool.options.query_timeout)).toEqual([5_250, 35_000, 0])
    } finally {
      await Promise.all(pools.map((pool) => pool.end()))
    }
  })

  it("keeps its deadlines over a URL's own parameters for them", async () => {
    const url = new URL(db.url)
    url.searchParams.set('statement_timeout', '0')
    url.searchParams.set('idle_in_transaction_session_timeout', '0')
    url.searchParams.set('query_timeout', '0') // a string "0": node-postgres would wait 1 ms
    const pool = createPostgresPool(url.toString(), { statementTimeoutMs: 250, answerTimeoutMs: 4_000 })
    try {
      const settings = await pool.query<{ s: string; i: string }>(
        "SELECT current_setting('statement_timeout') AS s, current_setting('idle_in_transaction_session_timeout') AS i, pg_sleep(0.05)",
      )
      expect(settings.rows[0]).toMatchObject({ s: '250ms', i: '4s' })
      const client = await pool.connect()
      expect((client as unknown as { connectionParameters: { query_timeout: unknown } }).connectionParameters.query_timeout).toBe(4_000)
      client.release()
    } finally {
      await pool.end()
    }
  })

  it("refuses a timeout that is not a whole number of ms with 'invalid'", () => {
    for (const statementTimeoutMs of [-1, 1.5, Number.NaN]) {
      expect(() => createPostgresPool(db.url, { statementTimeoutMs })).toThrow(/statementTimeoutMs/)
    }
    expect(() => createPostgresPool(db.url, { connectionTimeoutMs: -5 })).toThrow(/connectionTimeoutMs/)
    expect(() => createPostgresPool(db.url, { answerTimeoutMs: 2 ** 31 })).toThrow(/answerTimeoutMs/)
  })

  it("cancels a statement past it: appends and loads end with 'timeout', and the connection serves again", async () => {
    const pool = db.newPool({ max: 1, statementTimeoutMs: 300 })
    const store = createPostgresDocStore(pool)
    await store.append('slow', entry(1))
    const [append, load] = await whileLocked('book_heads, snapshots', async () => [
      await timed(store.append('slow', entry(2)), 'timeout'),
      await timed(store.load('slow'), 'timeout'),
    ])
    for (const { error, ms } of [append, load]) {
      expect(error.cause).toMatchObject({ code: '57014' }) // query_canceled, kept as the cause
      expect(ms).toBeGreaterThanOrEqual(250)
      expect(ms).toBeLessThan(3000)
    }
    // The pool's only connection is free again, and the cancelled append took no seq.
    expect((await store.append('slow', entry(3)))[0]!.seq).toBe(2)
    expect((await store.load('slow')).headSeq).toBe(2)
    await store.close()
  })

  it("fails a query that waits longer than connectionTimeoutMs for a pooled connection with 'timeout'", async () => {
    const pool = db.newPool({ max: 1, connectionTimeoutMs: 200 })
    const dir = createPostgresBookDirectory(pool)
    const held = await pool.connect()
    try {
      const { error, ms } = await timed(dir.getBook('b'), 'timeout')
      expect((error.cause as Error).message).toBe('timeout exceeded when trying to connect')
      expect(ms).toBeGreaterThanOrEqual(150)
      expect(ms).toBeLessThan(3000)
    } finally {
      held.release()
    }
    expect(await dir.getBook('b')).toBeNull()
    await dir.close()
  })

  it('keeps appends waiting for a pooled connection past connectionTimeoutMs, up to their own patience', async () => {
    const pool = db.newPool({ max: 1, connectionTimeoutMs: 150 })
    const patient = createPostgresDocStore(pool)
    const impatient = createPostgresDocStore(pool, { appendConnectPatienceMs: 400 })
    let held = await pool.connect() // reads holding every connection of the pool, say
    const release = setTimeout(() => held.release(), 700)
    const started = Date.now()
    try {
      const [stored] = await patient.append('patient', entry(1))
      expect(stored!.seq).toBe(1)
      expect(Date.now() - started).toBeGreaterThanOrEqual(600) // it waited, through several pool waits
    } finally {
      clearTimeout(release)
    }
    held = await pool.connect()
    try {
      const { error, ms } = await timed(impatient.append('impatient', entry(1)), 'timeout')
      expect((error.cause as Error).message).toBe('timeout exceeded when trying to connect')
      expect(ms).toBeGreaterThanOrEqual(350)
      expect(ms).toBeLessThan(3000)
    } finally {
      held.release()
    }
    expect((await impatient.append('impatient', entry(2)))[0]!.seq).toBe(1) // the failed one took no seq
    await patient.close()
    await impatient.close()
    await pool.end()
  })

  it("gives up on a server that accepts the connection but never answers, with 'timeout'", async () => {
    const sockets = new Set<net.Socket>()
    const silent = net.createServer((socket) => void sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as net.AddressInfo
    const pool = createPostgresPool(`postgres://postgres@127.0.0.1:${port}/test`, { connectionTimeoutMs: 200 })
    try {
      const { error } = await timed(createPostgresBookDirectory(pool).getBook('b'), 'timeout')
      expect((error.cause as Error).message).toBe('Connection terminated due to connection timeout')
      await timed(migratePostgres(pool), 'timeout')
    } finally {
      await pool.end()
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  it("gives up on a server that stops answering an open connection with 'timeout', drops the connection, and serves again once it answers", async () => {
    const target = new URL(db.url)
    const proxy = await startFreezableTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    const url = new URL(db.url)
    url.port = String(proxy.port)
    const answerTimeoutMs = 1_000
    const pool = createPostgresPool(url.toString(), { schema: db.schema, max: 1, statementTimeoutMs: 200, answerTimeoutMs })
    const store = createPostgresDocStore(pool)
    const dir = createPostgresBookDirectory(pool)
    try {
      await store.append('frozen', entry(1))
      // In a transaction (append, load) and alone (getBook, through pool.query): each gives up once,
      // without a ROLLBACK queued behind the unanswered query for a second deadline, and its
      // connection is closed, not handed to the next caller.
      for (const attempt of [() => store.append('frozen', entry(2)), () => store.load('frozen'), () => dir.getBook('frozen')]) {
        expect(proxy.openConnections).toBe(1)
        proxy.freeze()
        const { error, ms } = await timed(attempt(), 'timeout')
        expect((error.cause as Error).message).toBe('Query read timeout')
        expect(error.message).toMatch(/did not answer in time/)
        expect(ms).toBeGreaterThanOrEqual(answerTimeoutMs - 50)
        expect(ms).toBeLessThan(1.6 * answerTimeoutMs) // not a second deadline for a queued ROLLBACK
        await proxy.whenFewerOpenThan(1, 2_000)
        proxy.thaw()
        // A new connection. The frozen append never arrived: this proxy drops what it held when the
        // client gives up (a stopped server would run it once it resumes).
        expect((await store.load('frozen')).headSeq).toBe(1)
      }
      expect((await store.append('frozen', entry(3)))[0]!.seq).toBe(2)
    } finally {
      await store.close()
      await pool.end()
      await proxy.close()
    }
  })

  it('ends a transaction given up on whose close the network lost, so its row locks do not outlive it', async () => {
    const target = new URL(db.url)
    const proxy = await startFreezableTcpProxy({ host: target.hostname, port: Number(target.port || 5432) }, { passCloseWhileFrozen: false })
    const url = new URL(db.url)
    url.port = String(proxy.port)
    const answerTimeoutMs = 600
    const pool = createPostgresPool(url.toString(), { schema: db.schema, max: 1, statementTimeoutMs: 200, answerTimeoutMs })
    const other = db.newPool({ max: 1, statementTimeoutMs: 5_000 })
    await other.query('CREATE TABLE IF NOT EXISTS held_rows (id integer PRIMARY KEY, n integer NOT NULL)')
    await other.query('INSERT INTO held_rows VALUES (1, 0) ON CONFLICT DO NOTHING')
    try {
      // The row is locked, then the network goes silent before COMMIT: the client gives up.
      const given = inTransaction(pool, async (client) => {
        await client.query('UPDATE held_rows SET n = n + 1 WHERE id = 1')
        proxy.freeze()
      })
      await expect(given).rejects.toThrow('Query read timeout')
      await proxy.whenFewerOpenThan(1, 2_000)
      // The server never heard of it; it ends the idle transaction after the answer deadline, so
      // another writer of the row waits about that long, not until its own statement_timeout.
      const started = Date.now()
      await other.query('UPDATE held_rows SET n = n + 10 WHERE id = 1')
      expect(Date.now() - started).toBeLessThan(3_000)
      expect((await other.query<{ n: number }>('SELECT n FROM held_rows WHERE id = 1')).rows[0]!.n).toBe(10) // the abandoned +1 rolled back
    } finally {
      await pool.end()
      await proxy.close()
    }
  })
})
