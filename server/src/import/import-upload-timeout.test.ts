// The server's own limits on request bodies (request-body-timeouts.ts), here small: an upload
// that goes quiet (UPLOAD_IDLE_TIMEOUT_MS) or arrives slower than IMPORT_MIN_BYTES_PER_SEC is
// dropped with its own code, logged at warn (not taken for a client hanging up), and cleaned up;
// an upload that keeps up the rate runs past REQUEST_BODY_TIMEOUT_MS, other requests do not.
import { readdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../testing/ws-clients'
import type { ImportReport } from './import-report'
import { bodyText, createBook, customersOf, headSeq, openUpload, startWatchedServer, type WatchedServer } from './import-test-kit'

const IDLE_MS = 400
const BODY_MS = 1000
const MIN_RATE = 1500
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => `Slow ${from + i},slow${from + i}@example.com\n`).join('')

describe('the server timing out a quiet upload', () => {
  let w: WatchedServer
  beforeAll(async () => void (w = await startWatchedServer({ UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_MS), REQUEST_BODY_TIMEOUT_MS: String(BODY_MS), IMPORT_MIN_BYTES_PER_SEC: String(MIN_RATE) })))
  afterAll(() => w.dispose())

  const timedOut = (bookId: string) => w.lines.find((l) => l.bookId === bookId && l.code === 'upload-timed-out')

  it.each([
    ['JSON', 'application/json'],
    ['NDJSON progress', 'application/x-ndjson'],
  ])('in %s mode: 408 upload-timed-out (or the stream ends), logged at warn, nothing written', async (mode, accept) => {
    const bookId = `quiet-${accept.length}`
    const alice = await w.server.token('alice')
    await createBook(w.server, alice, bookId)
    const before = await headSeq(w.server, bookId)
    const upload = openUpload(w.server, bookId, alice, 'format=csv&batchSize=10', accept)
    // Past the CSV parser's 64 KB sniff, so NDJSON progress has started; then silence.
    upload.req.write(`Company,Email\n${rows(0, 3000)}`)
    const res = await upload.response
    const text = await bodyText(res)
    if (mode === 'JSON') {
      expect(res.statusCode).toBe(408)
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'upload-timed-out' } })
    } else {
      expect(res.statusCode).toBe(200)
      expect(text).toContain('"phase":"checking"')
      expect(text).not.toContain('"type":"report"')
    }

    await waitFor(() => timedOut(bookId) !== undefined)
    expect(timedOut(bookId)).toMatchObject({ level: 40, msg: expect.stringContaining('the server stopped waiting') })
    expect(w.lines.filter((l) => l.bookId === bookId && l.msg.includes('hung up'))).toEqual([])
    expect(w.lines.filter((l) => l.level >= 50)).toEqual([])
    await waitFor(() => w.lines.some((l) => l.msg === 'book unloaded' && l.bookId === bookId))
    expect(await readdir(w.spoolDir)).toEqual([])
    expect(await headSeq(w.server, bookId)).toBe(before)
    expect(await customersOf(w.server, bookId)).toEqual([])
    upload.req.destroy()
  })

  it('lets a slow upload that keeps sending take many times the timeout', async () => {
    const alice = await w.server.token('alice')
    await createBook(w.server, alice, 'slow')
    const upload = openUpload(w.server, 'slow', alice, 'format=csv')
    upload.req.write('Company,Email\n')
    const started = Date.now()
    for (let i = 0; i < 12; i++) {
      await sleep(IDLE_MS / 3)
      upload.req.write(rows(i * 10, 10))
    }
    upload.req.end()
    const res = await upload.response
    const report = JSON.parse(await bodyText(res)) as ImportReport
    expect(res.statusCode).toBe(200)
    expect(Date.now() - started).toBeGreaterThan(3 * IDLE_MS)
    expect(report.imported).toBe(120)
    expect(timedOut('slow')).toBeUndefined()
  })

  it('runs without Node\'s one cap on every request, headers still limited', () => {
    expect(w.server.httpServer.requestTimeout).toBe(0)
    expect(w.server.httpServer.headersTimeout).toBe(60_000)
  })

  it('cuts a request that is not an import at its total deadline, though it never goes quiet', async () => {
    const started = Date.now()
    const req = request(`${w.server.url}/api/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' } })
    req.on('error', () => {})
    const response = new Promise<import('node:http').IncomingMessage>((resolve) => req.once('response', resolve))
    req.write('{"user":')
    const trickle = setInterval(() => req.write(' '), IDLE_MS / 4)
    const res = await response
    clearInterval(trickle)
    expect(res.statusCode).toBe(408)
    expect(Date.now() - started).toBeGreaterThanOrEqual(BODY_MS)
    expect(Date.now() - started).toBeLessThan(BODY_MS + 1500)
    req.destroy()
  })

  /** An import of `n` rows with its Content-Length, sent in 10 pieces over about `ms`. */
  async function paced(bookId: string, n: number, ms: number) {
    const alice = await w.server.token('alice')
    await createBook(w.server, alice, bookId)
    const body = Buffer.from(`Company,Email\n${rows(0, n)}`)
    const req = request(`${w.server.url}/api/books/${bookId}/import?format=csv`, { method: 'POST', headers: { authorization: `Bearer ${alice}`, 'content-length': String(body.length) } })
    req.on('error', () => {})
    const response = new Promise<import('node:http').IncomingMessage>((resolve) => req.once('response', resolve))
    const started = Date.now()
    const piece = Math.ceil(body.length / 10)
    void (async () => {
      for (let at = 0; at < body.length && !req.destroyed; at += piece) {
        if (at > 0) await sleep(ms / 9)
        req.write(body.subarray(at, at + piece))
      }
      req.end()
    })()
    const res = await response
    return { res, text: await bodyText(res), ms: Date.now() - started, expectedMs: (body.length / MIN_RATE) * 1000 }
  }

  it('lets an import faster than the minimum rate run past the total deadline', async () => {
    // ~3000 bytes: 2 s at the minimum rate, sent in about 1.4 s.
    const { res, text, ms } = await paced('paced-fast', 100, 1400)
    expect(res.statusCode).toBe(200)
    expect((JSON.parse(text) as ImportReport).imported).toBe(100)
    expect(ms).toBeGreaterThan(BODY_MS)
  })

  it('cuts an import slower than the minimum rate, logged as such', async () => {
    const { res, text, ms, expectedMs } = await paced('paced-slow', 100, 3500)
    expect(res.statusCode).toBe(408)
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'upload-timed-out' } })
    expect(ms).toBeGreaterThanOrEqual(expectedMs - 50)
    expect(ms).toBeLessThan(3500)
    await waitFor(() => timedOut('paced-slow') !== undefined)
    expect(timedOut('paced-slow')).toMatchObject({ level: 40, msg: expect.stringContaining('slower than the minimum rate') })
    expect(await customersOf(w.server, 'paced-slow')).toEqual([])
  })
})
