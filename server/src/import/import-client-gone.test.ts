// A client that hangs up while its upload is being checked is an everyday event: logged at
// info, not as a server error, and the import still cleans up (nothing written, the copy
// removed, the book released). The same in JSON mode, and with NDJSON progress before or after
// the first progress line (the import CLI killed at any moment).
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server'
import { waitFor } from '../testing/ws-clients'
import { capturingLog, createBook, customersOf, headSeq, openUpload } from './import-test-kit'

const rows = (n: number) => Array.from({ length: n }, (_, i) => `Gone ${i},gone${i}@example.com\n`).join('')

describe('a client hanging up during the check pass', () => {
  let server: TestServer
  let spoolDir = ''
  let alice = ''
  const { log, lines } = capturingLog()

  beforeAll(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), 'crm-client-gone-test-'))
    server = await startTestServer({}, undefined, { log, importSpool: { memoryBytes: 4096, dir: spoolDir } })
    alice = await server.token('alice')
  })
  afterAll(async () => {
    await server.dispose()
    await rm(spoolDir, { recursive: true, force: true })
  })

  /** Logged at info, nothing else above debug; the book released, the copy removed, nothing written. */
  async function expectCleanHangUp(bookId: string, before: number): Promise<void> {
    const hungUp = () => lines.findIndex((l) => l.bookId === bookId && l.msg.includes('the client hung up'))
    await waitFor(() => hungUp() >= 0)
    expect(lines[hungUp()]).toMatchObject({ level: 30, code: 'upload-aborted' })
    // The import let go of the book after that (its pin released, so the book unloads).
    await waitFor(() => lines.slice(hungUp()).some((l) => l.msg === 'book unloaded' && l.bookId === bookId))
    expect(lines.filter((l) => l.level >= 40)).toEqual([])
    expect(await readdir(spoolDir)).toEqual([])
    expect(await headSeq(server, bookId)).toBe(before)
    expect(await customersOf(server, bookId)).toEqual([])
  }

  it('with NDJSON progress, once progress lines have started', async () => {
    await createBook(server, alice, 'gone')
    const before = await headSeq(server, 'gone')
    const upload = openUpload(server, 'gone', alice, 'format=csv&batchSize=10', 'application/x-ndjson')
    // Past the CSV parser's 64 KB sniff, so progress has started; and no end: the upload stays open.
    upload.req.write(`Company,Email\n${rows(5000)}`)
    const res = await upload.response
    expect(res.statusCode).toBe(200)
    const first = await new Promise<string>((resolve) => res.once('data', (d: Buffer) => resolve(d.toString())))
    expect(JSON.parse(first.split('\n')[0]!)).toMatchObject({ type: 'progress', phase: 'checking' })
    expect(await readdir(spoolDir)).toHaveLength(1)
    upload.req.destroy()
    await expectCleanHangUp('gone', before)
  })

  it.each([
    ['with NDJSON progress, before the first progress line', 'gone-early', 'application/x-ndjson'],
    ['in JSON mode', 'gone-json', 'application/json'],
  ])('%s', async (_mode, bookId, accept) => {
    await createBook(server, alice, bookId)
    const before = await headSeq(server, bookId)
    const upload = openUpload(server, bookId, alice, 'format=csv&batchSize=10', accept)
    let answered = false
    void upload.response.then(() => (answered = true))
    // Spilled to the copy's file (so the server is reading it), but short of the CSV parser's
    // 64 KB sniff: no record has been read, nothing answered yet.
    upload.req.write(`Company,Email\n${rows(500)}`)
    while ((await readdir(spoolDir)).length === 0) await sleep(10)
    expect(answered).toBe(false)
    upload.req.destroy()
    await expectCleanHangUp(bookId, before)
  })
})
