// Several relay instances (separate processes) on one PostgreSQL and one Redis: clients spread
// over them converge, survive moving between instances, a Redis outage, and an instance killed
// with SIGKILL; nothing acknowledged is lost.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { decodeMessage, encodeUpdate } from '@crm-sync/protocol'
import { spawnServer, type ChildServer } from '../testing/child-server'
import { createTestDatabase, type TestDatabase } from '../testing/test-postgres'
import { TEST_REDIS_URL, privateRedis, uniquePrefix } from '../testing/test-redis'
import { startTestServer } from '../testing/test-server'
import { connectProvider, connectRaw, waitFor, whenSynced, type ProviderClient } from '../testing/ws-clients'
import { SignJWT } from 'jose'

const BOOK = 'north-territory'
const SECRET = 'scale-out-test-secret-0123456789abcdef'
const token = (user: string) =>
  new SignJWT({ name: user }).setProtectedHeader({ alg: 'HS256' }).setSubject(user).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET))

const wsUrl = (s: ChildServer) => `ws://127.0.0.1:${s.port}/sync`

const sameEverywhere = (clients: ProviderClient[], map = 'scale') => {
  const [first, ...rest] = clients.map((c) => c.doc.getMap(map).toJSON())
  return rest.every((x) => JSON.stringify(Object.entries(x).sort()) === JSON.stringify(Object.entries(first!).sort()))
}

describe('relay scale-out on PostgreSQL and Redis', () => {
  let db: TestDatabase
  let servers: ChildServer[] = []
  let clients: ProviderClient[] = []

  const startInstances = async (n: number, redisUrl: string, prefix: string) => {
    const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, AUTH_JWT_SECRET: SECRET, DATA_DIR: '/nonexistent-not-used' }
    servers = await Promise.all(Array.from({ length: n }, () => spawnServer(env)))
    return servers
  }
  const client = async (server: ChildServer, user = 'alice') => {
    const c = connectProvider(wsUrl(server), BOOK, await token(user))
    clients.push(c)
    await whenSynced(c, 10_000)
    return c
  }

  beforeAll(async () => {
    db = await createTestDatabase()
  })
  afterEach(async () => {
    for (const c of clients) c.destroy()
    clients = []
    for (const s of servers) s.child.kill('SIGKILL')
    await Promise.all(servers.map((s) => s.exited))
    servers = []
  })
  afterAll(async () => {
    await db?.drop()
  })

  it('converges clients spread over three instances, and a client moved mid-session loses nothing', async () => {
    const [a, b, c] = await startInstances(3, TEST_REDIS_URL, uniquePrefix())
    const cs = [await client(a!), await client(b!, 'bob'), await client(c!), await client(a!, 'bob'), await client(b!), await client(c!, 'bob')]
    await Promise.all(cs.map(async (x, n) => {
      for (let i = 0; i < 20; i++) {
        x.doc.getMap('scale').set(`c${n}-${i}`, i)
        await new Promise((r) => setTimeout(r, 3))
      }
    }))
    await waitFor(() => sameEverywhere(cs) && cs[0]!.doc.getMap('scale').size === 120, 15_000, 'convergence across instances')

    const mover = cs[0]!
    mover.provider.disconnect()
    for (let i = 0; i < 10; i++) mover.doc.getMap('scale').set(`moved-${i}`, i)
    mover.provider.serverUrl = wsUrl(c!)
    mover.provider.connect()
    await waitFor(() => cs.every((x) => x.doc.getMap('scale').has('moved-9')) && sameEverywhere(cs), 15_000, 'moved client converged')
    expect(cs[1]!.doc.getMap('scale').size).toBe(130)
  })

  it('catches up after Redis is down for a while: every edit made during the outage reaches both instances', async () => {
    const redis = await privateRedis()
    await redis.start()
    try {
      const [a, b] = await startInstances(2, redis.url, uniquePrefix())
      const ca = await client(a!)
      const cb = await client(b!, 'bob')
      ca.doc.getMap('outage').set('before', 1)
      await waitFor(() => cb.doc.getMap('outage').has('before'), 10_000, 'fan-out before the outage')

      await redis.kill()
      for (let i = 0; i < 15; i++) {
        ca.doc.getMap('outage').set(`a-during-${i}`, i)
        cb.doc.getMap('outage').set(`b-during-${i}`, i)
        await new Promise((r) => setTimeout(r, 100))
      }
      await redis.start()
      await waitFor(() => sameEverywhere([ca, cb], 'outage') && ca.doc.getMap('outage').size === 31, 20_000, 'convergence after the outage')
    } finally {
      await redis.kill()
    }
  })

  it('moves clients of an instance killed with SIGKILL to another; acknowledged updates survive', async () => {
    const [a, b] = await startInstances(2, TEST_REDIS_URL, uniquePrefix())
    const watcher = await client(b!, 'bob')
    const victim = await client(a!)

    // A writer that opted in to acks streams keys into instance A.
    const raw = await connectRaw(`${wsUrl(a!)}/${BOOK}?ack=1&token=${await token('alice')}`)
    let acked = 0
    raw.ws.on('message', (d: Buffer) => {
      const m = decodeMessage(new Uint8Array(d))
      if (m.type === 'ack') acked = m.frames
    })
    const keys: string[] = []
    const doc = new Y.Doc()
    doc.on('update', (u: Uint8Array) => raw.ws.readyState === raw.ws.OPEN && raw.send(encodeUpdate(u)))
    let stop = false
    const stream = (async () => {
      for (let i = 0; !stop; i++) {
        keys.push(`raw-${i}`)
        doc.getMap('kill').set(`raw-${i}`, i)
        await new Promise((r) => setTimeout(r, 2))
      }
    })()
    await waitFor(() => acked > 20, 10_000, 'acks before the kill')
    victim.doc.getMap('killed').set('victim-before', 1)
    a!.child.kill('SIGKILL')
    stop = true
    await stream
    await a!.exited

    victim.doc.getMap('killed').set('victim-offline', 1)
    victim.provider.serverUrl = wsUrl(b!)
    await waitFor(() => watcher.doc.getMap('killed').has('victim-offline') && watcher.doc.getMap('killed').has('victim-before'), 15_000, 'victim reconnected elsewhere')
    expect(sameEverywhere([victim, watcher], 'killed')).toBe(true)
    const ackedKeys = keys.slice(0, acked)
    await waitFor(() => ackedKeys.every((k) => watcher.doc.getMap('kill').has(k)), 10_000, 'acknowledged updates on the surviving instance')
  })

  it("closes a removed member's connections on every instance, not only the one that removed them", async () => {
    const [a, b] = await startInstances(2, TEST_REDIS_URL, uniquePrefix())
    await client(a!) // the book is loaded on both
    const bobOnB = await connectRaw(`${wsUrl(b!)}/${BOOK}?token=${await token('bob')}`)
    await waitFor(() => bobOnB.frames.length > 0, 10_000, 'bob greeted on b')
    const members = (method: string, body?: object) =>
      token('alice').then((t) => fetch(`http://127.0.0.1:${a!.port}/api/books/${BOOK}/members/bob`, {
        method, headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}),
      }))
    try {
      expect((await members('DELETE')).status).toBe(204)
      expect((await bobOnB.closed).code).toBe(4403)
    } finally {
      expect((await members('PUT', { role: 'editor' })).status).toBe(200)
    }
  })

  it('reports Redis in /health and counts cross-instance traffic in /metrics', async () => {
    const [a, b] = await startInstances(2, TEST_REDIS_URL, uniquePrefix())
    const ca = await client(a!)
    const cb = await client(b!, 'bob')
    ca.doc.getMap('metrics').set('metric', 1)
    await waitFor(() => cb.doc.getMap('metrics').has('metric'), 10_000, 'fan-out')
    const health = (await (await fetch(`http://127.0.0.1:${a!.port}/health`)).json()) as { ok: boolean; checks: Record<string, unknown> }
    expect(health).toMatchObject({ ok: true, checks: { store: { ok: true }, redis: { ok: true } } })
    const metrics = await (await fetch(`http://127.0.0.1:${b!.port}/metrics`)).text()
    expect(metrics).toMatch(/crm_relay_cross_instance_messages_total\{direction="in"\} [1-9]/)
  })
})

describe('the same process on PostgreSQL', () => {
  it('serves books and survives a restart', async () => {
    const db = await createTestDatabase()
    try {
      const first = await startTestServer({ DATABASE_URL: db.url })
      const c = connectProvider(first.wsUrl, BOOK, await first.token('alice'))
      await whenSynced(c)
      c.doc.getMap('pg').set('kept', 'yes')
      await new Promise((r) => setTimeout(r, 200))
      c.destroy()
      await first.dispose()
      const second = await startTestServer({ DATABASE_URL: db.url })
      try {
        expect(await second.books.read(BOOK, (d) => d.getMap('pg').get('kept'))).toBe('yes')
        expect(await second.books.read(BOOK, (d) => d.getMap('customers').size)).toBe(36)
      } finally {
        await second.dispose()
      }
    } finally {
      await db.drop()
    }
  })
})
