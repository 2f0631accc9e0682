// Frames that come before a book has loaded wait in a queue, bounded per connection in frames and
// bytes and for the whole relay in bytes. The book's load is held back for real: a PostgreSQL
// session locks the tables it reads until the test lets go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import * as Y from 'yjs'
import { CLOSE_CODE, decodeMessage, encodeQueryAwareness, encodeUpdate } from '@crm-sync/protocol'
import { createTestDatabase, type TestDatabase } from '../testing/test-postgres'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, connectRaw, waitFor, whenSynced, type RawClient } from '../testing/ws-clients'

const MAX_FRAME_BYTES = 4096
const PER_CONNECTION = 2 * MAX_FRAME_BYTES
const RELAY_TOTAL = 64 * MAX_FRAME_BYTES

/** An update frame of exactly `bytes` bytes that sets `key` in the map 'early'. */
const updateFrame = (key: string, bytes: number): Uint8Array => {
  const frameOf = (n: number) => {
    const doc = new Y.Doc()
    doc.getMap('early').set(key, 'x'.repeat(n))
    return encodeUpdate(Y.encodeStateAsUpdate(doc))
  }
  // Length prefixes grow with the string: step towards the size until it is met.
  let n = bytes
  let frame = frameOf(n)
  while (frame.length !== bytes) frame = frameOf((n += bytes - frame.length))
  return frame
}

const ackedFrames = (c: RawClient): number =>
  Math.max(0, ...c.frames.map((f) => decodeMessage(f)).map((m) => (m.type === 'ack' ? m.frames : 0)))

describe('frames sent before the book has loaded', () => {
  let db: TestDatabase
  let server: TestServer
  let token: string
  let locker: pg.Client

  /**
   * Until `release()`, every book load waits on PostgreSQL's lock: a load reads `snapshots` first.
   * One table only: taking several, one after another, can deadlock with the server's own writes.
   */
  const holdLoads = async (): Promise<{ release: () => Promise<void> }> => {
    await locker.query('BEGIN')
    await locker.query('LOCK TABLE snapshots IN ACCESS EXCLUSIVE MODE')
    return { release: async () => void (await locker.query('COMMIT')) }
  }
  const createBook = async (id: string) => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/books`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, name: id }),
    })
    expect(res.status).toBe(201)
  }
  /** The relay's gauge of bytes held for clients whose book is loading, once it reads `bytes`. */
  const earlyFrameBytesReach = async (bytes: number): Promise<void> => {
    let held = Number.NaN
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text()
      held = Number(/^crm_relay_early_frame_bytes (\d+)$/m.exec(text)?.[1])
      if (held === bytes) return
    }
    expect(held).toBe(bytes)
  }
  const open = (bookId: string) => connectRaw(`${server.wsUrl}/${bookId}?ack=1&token=${token}`)

  beforeAll(async () => {
    db = await createTestDatabase()
    server = await startTestServer({ DATABASE_URL: db.url, MAX_FRAME_BYTES: String(MAX_FRAME_BYTES) })
    token = await server.token('alice')
    locker = new pg.Client({ connectionString: db.url })
    await locker.connect()
  })
  afterAll(async () => {
    await locker?.end()
    await server?.dispose()
    await db?.drop()
  })

  it('closes with 1013 a client that sends more than its share of bytes or frames; the rest is handled once loaded', async () => {
    await createBook('early-one')
    const lock = await holdLoads()
    const wordy = await open('early-one')
    const chatty = await open('early-one')
    const modest = await open('early-one')
    const third = PER_CONNECTION / 2 - 1000
    for (let i = 0; i < 3; i++) wordy.send(updateFrame(`wordy-${i}`, third)) // the third passes 2 × MAX_FRAME_BYTES
    for (let i = 0; i < 257; i++) chatty.send(encodeQueryAwareness())
    modest.send(updateFrame('modest', MAX_FRAME_BYTES))

    expect(await wordy.closed).toEqual({ code: CLOSE_CODE.tryAgainLater, reason: `more than ${PER_CONNECTION} bytes before the book loaded` })
    expect(await chatty.closed).toEqual({ code: CLOSE_CODE.tryAgainLater, reason: 'more than 256 frames before the book loaded' })
    expect(modest.frames).toEqual([]) // nothing is answered before the load
    await earlyFrameBytesReach(MAX_FRAME_BYTES) // modest's frame; the refused clients' bytes were given back
    await lock.release()

    await waitFor(() => ackedFrames(modest) === 1, 10_000, 'the queued frame acknowledged')
    await earlyFrameBytesReach(0)
    const reader = connectProvider(server.wsUrl, 'early-one', token)
    await whenSynced(reader, 10_000)
    expect([...reader.doc.getMap('early').keys()]).toEqual(['modest'])
    reader.destroy()
    modest.close()
  }, 30_000)

  it('shares one byte limit among all connections, and gives it back once their books load', async () => {
    const frame = (key: string) => updateFrame(key, 4000)
    // Each client sends two frames; the relay holds whole clients' worth until its limit.
    const fit = Math.floor(RELAY_TOTAL / 8000)
    for (const round of ['early-a', 'early-b']) {
      await createBook(round)
      const lock = await holdLoads()
      const clients = await Promise.all(Array.from({ length: fit + 8 }, () => open(round)))
      clients.forEach((c, i) => {
        c.send(frame(`${i}-first`))
        c.send(frame(`${i}-second`))
      })
      const outcome = clients.map((c) => c.closed.then((closed) => closed, () => null))
      await waitFor(() => clients.filter((c) => c.ws.readyState === c.ws.CLOSED).length === 8, 10_000, 'the clients past the limit closed')
      const refused = (await Promise.all(outcome.filter((_, i) => clients[i]!.ws.readyState === clients[i]!.ws.CLOSED)))
      expect(refused).toEqual(Array(8).fill({ code: CLOSE_CODE.tryAgainLater, reason: 'the relay holds too much from clients whose books are loading' }))
      await lock.release()

      // The survivors' frames are handled and acknowledged; the next round finds the limit free again.
      const survivors = clients.filter((c) => c.ws.readyState === c.ws.OPEN)
      expect(survivors).toHaveLength(fit)
      await waitFor(() => survivors.every((c) => ackedFrames(c) === 2), 10_000, 'every survivor acknowledged')
      const reader = connectProvider(server.wsUrl, round, token)
      await whenSynced(reader, 10_000)
      expect(reader.doc.getMap('early').size).toBe(2 * fit)
      reader.destroy()
      for (const c of survivors) c.close()
    }
  }, 60_000)
})
