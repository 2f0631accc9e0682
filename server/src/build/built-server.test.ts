// The bundle `npm start` runs: built from the sources, started by plain Node (no tsx), on the
// defaults `npm start` uses (bridge on, embedded CRM emulator, demo seed), it serves the API, the
// relay and the app shell, loads its optional parts, and stops cleanly on SIGTERM.
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, rmdir } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createCustomer, initBook, readCustomers } from '@crm-sync/model'
import { CLOSE_CODE, encodeUpdate, UpdateIndex, type UpdateIndexParts } from '@crm-sync/protocol'
import { parseAnswer } from '../books/book-query'
import { CLIENT_DIST } from '../http/static-app'
import { spawnServer } from '../testing/child-server'
import { connectRaw, waitFor } from '../testing/ws-clients'
import { buildServer, SERVER_DIST } from './build-server'

describe('the built server (npm start)', () => {
  // Inside the repository, so that the bundle resolves node_modules as the real one does; not in
  // server/dist, which `npm start` empties when it builds (a test and npm start may run at once).
  const outdir = join(SERVER_DIST, '..', '.test-builds', `test-${process.pid}-${Date.now()}`)
  let main = ''
  let dataDir = ''
  beforeAll(async () => {
    main = await buildServer(outdir)
    dataDir = await mkdtemp(join(tmpdir(), 'crm-sync-built-'))
  })
  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true })
    await rmdir(dirname(outdir)).catch(() => {}) // only when empty: another run may be building beside it
    await rm(dataDir, { recursive: true, force: true })
  })

  it("bundles the snapshot encoder's worker under the name the relay starts it by, running without tsx", async () => {
    const doc = new Y.Doc()
    doc.getMap('m').set('k', 'v')
    const workerData = { base: null, updates: [Y.encodeStateAsUpdate(doc)], headRoom: 16, indexFromBytes: 0 }
    const worker = new Worker(join(outdir, 'snapshot-encode-worker.mjs'), { workerData, execArgv: [] })
    const [encoded] = (await once(worker, 'message')) as [{ state: Uint8Array; stateVector: Uint8Array; index: UpdateIndexParts | null }]
    const copy = new Y.Doc()
    Y.applyUpdate(copy, encoded.state)
    expect(copy.getMap('m').get('k')).toBe('v')
    expect(encoded.stateVector).toEqual(Y.encodeStateVector(doc))
    // Bundled with @crm-sync/protocol: it walks the state for its index too.
    expect(UpdateIndex.fromParts(encoded.state, encoded.index!).stateVector()).toEqual(Y.encodeStateVector(doc))
    expect(encoded.state.buffer).toBeInstanceOf(SharedArrayBuffer)
  })

  it('bundles the book query worker under the name the relay starts it by, running without tsx', async () => {
    const doc = new Y.Doc()
    initBook(doc, { name: 'Built' })
    const id = createCustomer(doc, { name: 'Bundled Ltd' }, { by: 'alice' })
    const later = new Y.Doc()
    Y.applyUpdate(later, Y.encodeStateAsUpdate(doc))
    const base = Y.encodeStateAsUpdate(doc)
    const tail: Uint8Array[] = []
    later.on('update', (u: Uint8Array) => tail.push(u))
    createCustomer(later, { name: 'From The Tail' }, { by: 'bob' })
    const worker = new Worker(join(outdir, 'book-query-worker.mjs'), { workerData: { base, updates: tail, query: { kind: 'customer', id } }, execArgv: [] })
    const [one] = (await once(worker, 'message')) as [{ body: Uint8Array; stateVector: Uint8Array }]
    expect(parseAnswer(one.body)).toMatchObject({ id, name: 'Bundled Ltd' })
    expect(one.stateVector).toEqual(Y.encodeStateVector(later))
    const all = new Worker(join(outdir, 'book-query-worker.mjs'), { workerData: { base, updates: tail, query: { kind: 'customers', includeArchived: false } }, execArgv: [] })
    const [list] = (await once(all, 'message')) as [{ body: Uint8Array }]
    expect(parseAnswer(list.body)).toEqual({ customers: readCustomers(later) })
  })

  it('runs without tsx: API, relay, app shell, bridge and emulator, then SIGTERM', async () => {
    expect(existsSync(join(outdir, 'sqlite-wal-checkpoint-worker.mjs'))).toBe(true)
    const server = await spawnServer(
      // COMPACT_THRESHOLD 2: the big update below makes the relay compact a book of over 1 MiB.
      { DATA_DIR: dataDir, BRIDGE_ENABLED: 'true', CRM_EMULATOR_PORT: '0', NODE_OPTIONS: '', COMPACT_THRESHOLD: '2' },
      30_000,
      ['--enable-source-maps', main],
    )
    const base = `http://127.0.0.1:${server.port}`
    try {
      expect(await (await fetch(`${base}/health`)).json()).toMatchObject({ ok: true })
      const login = await fetch(`${base}/api/auth/dev-login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'alice' }),
      })
      const { token } = (await login.json()) as { token: string }
      const auth = { authorization: `Bearer ${token}` }
      const books = (await (await fetch(`${base}/api/books`, { headers: auth })).json()) as { books?: { id: string }[] } | { id: string }[]
      expect(JSON.stringify(books)).toContain('north-territory')
      const customers = await fetch(`${base}/api/books/north-territory/customers`, { headers: auth })
      expect(customers.status).toBe(200)

      // The relay: a greeting, and an update acknowledged as durable (the store's worker is found).
      const raw = await connectRaw(`ws://127.0.0.1:${server.port}/sync/north-territory?token=${token}&ack=1`)
      await waitFor(() => raw.frames.length > 0, 5000, 'greeting')
      const doc = new Y.Doc()
      doc.getMap('built').set('bundle', true)
      raw.send(encodeUpdate(Y.encodeStateAsUpdate(doc)))
      await waitFor(() => raw.frames.some((f) => f[0] === 100), 5000, 'durable ack')
      // Updates of 0.6 MiB (under the 1 MiB frame limit): the book passes the size from which a
      // compaction's snapshot is encoded on a worker thread, which this process uses where it has a
      // second core (the worker is found beside the bundle). Compactions need 2 entries each.
      const acks = () => raw.frames.filter((f) => f[0] === 100).length
      for (const key of ['big1', 'big2', 'big3', 'big4']) {
        const before = acks()
        const known = Y.encodeStateVector(doc)
        doc.getMap('built').set(key, key.repeat(150_000))
        raw.send(encodeUpdate(Y.encodeStateAsUpdate(doc, known)))
        await waitFor(() => acks() > before, 10_000, `ack of ${key}`)
      }
      const offLoop = async () => {
        const text = await (await fetch(`${base}/metrics`)).text()
        return Number(/^crm_store_snapshots_encoded_off_loop_total (\d+)/m.exec(text)?.[1] ?? 'NaN')
      }
      if (availableParallelism() > 1) {
        const deadline = Date.now() + 15_000
        while ((await offLoop()) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
        expect(await offLoop()).toBeGreaterThanOrEqual(1)
      } else {
        expect(await offLoop()).toBe(0)
      }

      // The app shell from client/dist, found upward from the bundle as from the sources.
      const shell = await fetch(`${base}/`)
      expect(shell.status).toBe(existsSync(CLIENT_DIST) ? 200 : 503)
      // The emulator, the bridge and its HubSpot client are imported lazily, from chunks of their own.
      await waitFor(() => server.output().includes('"msg":"bridge started"'), 10_000, 'the bridge starts')
      expect(server.output()).toContain('"msg":"embedded CRM emulator listening"')
      expect(server.output()).toContain('"msg":"CRM webhooks configured"')
      expect(server.output()).not.toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND|"level":50/)

      server.child.kill('SIGTERM')
      const [closed, exited] = await Promise.all([raw.closed, server.exited])
      expect({ close: closed.code, exit: exited.code }, server.output()).toEqual({ close: CLOSE_CODE.goingAway, exit: 0 })
    } finally {
      server.child.kill('SIGKILL')
    }
  }, 60_000)
})
