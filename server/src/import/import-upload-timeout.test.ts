// The server's own timeout on uploads (UPLOAD_IDLE_TIMEOUT_MS, here 400 ms): an upload that goes
// quiet is dropped with its own code, logged at warn (not taken for a client hanging up), and
// cleaned up; a slow upload that keeps sending runs for as long as it needs.
import { readdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../testing/ws-clients'
import type { ImportReport } from './import-report'
import { bodyText, createBook, customersOf, headSeq, openUpload, startWatchedServer, type WatchedServer } from './import-test-kit'

const IDLE_MS = 400
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => `Slow ${from + i},slow${from + i}@example.com\n`).join('')

describe('the server timing out a quiet upload', () => {
  let w: WatchedServer
  beforeAll(async () => void (w = await startWatchedServer({ UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_MS) })))
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
})
