// The server's own timeout on uploads (UPLOAD_IDLE_TIMEOUT_MS, here 400 ms): an upload that goes
// quiet is dropped with its own code, logged at warn (not taken for a client hanging up), and
// cleaned up; a slow upload that keeps sending runs for as long as it needs.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server'
import { waitFor } from '../testing/ws-clients'
import type { ImportReport } from './import-report'
import { bodyText, capturingLog, createBook, customersOf, headSeq, openUpload } from './import-test-kit'

const IDLE_MS = 400
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => `Slow ${from + i},slow${from + i}@example.com\n`).join('')

describe('the server timing out a quiet upload', () => {
  let server: TestServer
  let spoolDir = ''
  let alice = ''
  const { log, lines } = capturingLog()

  beforeAll(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), 'crm-upload-timeout-test-'))
    server = await startTestServer({ UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_MS) }, undefined, { log, importSpool: { memoryBytes: 4096, dir: spoolDir } })
    alice = await server.token('alice')
  })
  afterAll(async () => {
    await server.dispose()
    await rm(spoolDir, { recursive: true, force: true })
  })

  const timedOut = (bookId: string) => lines.find((l) => l.bookId === bookId && l.code === 'upload-timed-out')

  it.each([
    ['JSON', 'application/json'],
    ['NDJSON progress', 'application/x-ndjson'],
  ])('in %s mode: 408 upload-timed-out (or the stream ends), logged at warn, nothing written', async (mode, accept) => {
    const bookId = `quiet-${accept.length}`
    await createBook(server, alice, bookId)
    const before = await headSeq(server, bookId)
    const upload = openUpload(server, bookId, alice, 'format=csv&batchSize=10', accept)
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
    expect(lines.filter((l) => l.bookId === bookId && l.msg.includes('hung up'))).toEqual([])
    expect(lines.filter((l) => l.level >= 50)).toEqual([])
    await waitFor(() => lines.some((l) => l.msg === 'book unloaded' && l.bookId === bookId))
    expect(await readdir(spoolDir)).toEqual([])
    expect(await headSeq(server, bookId)).toBe(before)
    expect(await customersOf(server, bookId)).toEqual([])
    upload.req.destroy()
  })

  it('lets a slow upload that keeps sending take many times the timeout', async () => {
    await createBook(server, alice, 'slow')
    const upload = openUpload(server, 'slow', alice, 'format=csv')
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
