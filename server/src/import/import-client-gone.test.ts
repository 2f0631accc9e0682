// A client that hangs up while its upload is being checked is an everyday event: logged at
// info, not as a server error, and the import still cleans up (nothing written, the copy
// removed, the book released). The same in JSON mode, and with NDJSON progress before or after
// the first progress line (the import CLI killed at any moment).
import { readdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../testing/ws-clients'
import { createBook, customersOf, headSeq, openUpload, startWatchedServer, type WatchedServer } from './import-test-kit'

const rows = (n: number) => Array.from({ length: n }, (_, i) => `Gone ${i},gone${i}@example.com\n`).join('')

describe('a client hanging up during the check pass', () => {
  let w: WatchedServer
  beforeAll(async () => void (w = await startWatchedServer()))
  afterAll(() => w.dispose())

  /** Logged at info, nothing else above debug; the book released, the copy removed, nothing written. */
  async function expectCleanHangUp(bookId: string, before: number): Promise<void> {
    const hungUp = () => w.lines.findIndex((l) => l.bookId === bookId && l.msg.includes('the client hung up'))
    await waitFor(() => hungUp() >= 0)
    expect(w.lines[hungUp()]).toMatchObject({ level: 30, code: 'upload-aborted' })
    // The import let go of the book after that (its pin released, so the book unloads).
    await waitFor(() => w.lines.slice(hungUp()).some((l) => l.msg === 'book unloaded' && l.bookId === bookId))
    expect(w.lines.filter((l) => l.level >= 40)).toEqual([])
    expect(await readdir(w.spoolDir)).toEqual([])
    expect(await headSeq(w.server, bookId)).toBe(before)
    expect(await customersOf(w.server, bookId)).toEqual([])
  }

  it('with NDJSON progress, once progress lines have started', async () => {
    const alice = await w.server.token('alice')
    await createBook(w.server, alice, 'gone')
    const before = await headSeq(w.server, 'gone')
    const upload = openUpload(w.server, 'gone', alice, 'format=csv&batchSize=10', 'application/x-ndjson')
    // Past the CSV parser's 64 KB sniff, so progress has started; and no end: the upload stays open.
    upload.req.write(`Company,Email\n${rows(5000)}`)
    const res = await upload.response
    expect(res.statusCode).toBe(200)
    const first = await new Promise<string>((resolve) => res.once('data', (d: Buffer) => resolve(d.toString())))
    expect(JSON.parse(first.split('\n')[0]!)).toMatchObject({ type: 'progress', phase: 'checking' })
    expect(await readdir(w.spoolDir)).toHaveLength(1)
    upload.req.destroy()
    await expectCleanHangUp('gone', before)
  })

  it.each([
    ['with NDJSON progress, before the first progress line', 'gone-early', 'application/x-ndjson'],
    ['in JSON mode', 'gone-json', 'application/json'],
  ])('%s', async (_mode, bookId, accept) => {
    const alice = await w.server.token('alice')
    await createBook(w.server, alice, bookId)
    const before = await headSeq(w.server, bookId)
    const upload = openUpload(w.server, bookId, alice, 'format=csv&batchSize=10', accept)
    let answered = false
    void upload.response.then(() => (answered = true))
    // Spilled to the copy's file (so the server is reading it), but short of the CSV parser's
    // 64 KB sniff: no record has been read, nothing answered yet.
    upload.req.write(`Company,Email\n${rows(500)}`)
    while ((await readdir(w.spoolDir)).length === 0) await sleep(10)
    expect(answered).toBe(false)
    upload.req.destroy()
    await expectCleanHangUp(bookId, before)
  })
})
