// A client that hangs up while its upload is being checked (here: the import CLI's NDJSON
// progress mode, killed) is an everyday event: logged at info, not as a server error, and the
// import still cleans up (nothing written, the copy removed, the book released).
import { request, type IncomingMessage } from 'node:http'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server'
import { waitFor } from '../testing/ws-clients'
import { createBook, customersOf, headSeq } from './import-test-kit'

interface LogLine { readonly level: number; readonly msg: string; readonly bookId?: string }

describe('a client hanging up during the check pass, with NDJSON progress', () => {
  let server: TestServer
  let spoolDir = ''
  const logged: LogLine[] = []

  beforeAll(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), 'crm-client-gone-test-'))
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logged.push(JSON.parse(line) as LogLine)
        done()
      },
    })
    server = await startTestServer({}, undefined, { log: pino({ level: 'debug' }, sink), importSpool: { memoryBytes: 4096, dir: spoolDir } })
  })
  afterAll(async () => {
    await server.dispose()
    await rm(spoolDir, { recursive: true, force: true })
  })

  it('is logged at info, and the import cleans up', async () => {
    const alice = await server.token('alice')
    await createBook(server, alice, 'gone')
    const before = await headSeq(server, 'gone')
    // Past the CSV parser's 64 KB sniff, so progress has started; and no end: the upload stays open.
    const rows = Array.from({ length: 5000 }, (_, i) => `Gone ${i},gone${i}@example.com\n`).join('')
    const req = request(`${server.url}/api/books/gone/import?format=csv&batchSize=10`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, accept: 'application/x-ndjson' },
    })
    req.on('error', () => {})
    req.write(`Company,Email\n${rows}`)
    const res = await new Promise<IncomingMessage>((resolve) => req.once('response', resolve))
    expect(res.statusCode).toBe(200)
    const first = await new Promise<string>((resolve) => res.once('data', (d: Buffer) => resolve(d.toString())))
    expect(JSON.parse(first.split('\n')[0]!)).toMatchObject({ type: 'progress', phase: 'checking' })
    expect(await readdir(spoolDir)).toHaveLength(1)
    req.destroy()

    const hungUp = () => logged.findIndex((l) => l.msg.includes('the client hung up'))
    await waitFor(() => hungUp() >= 0)
    expect(logged[hungUp()]).toMatchObject({ level: 30, bookId: 'gone' })
    // The import let go of the book after that (its pin released, so the book unloads).
    await waitFor(() => logged.slice(hungUp()).some((l) => l.msg === 'book unloaded' && l.bookId === 'gone'))
    expect(logged.filter((l) => l.level >= 40)).toEqual([])
    expect(await readdir(spoolDir)).toEqual([])
    expect(await headSeq(server, 'gone')).toBe(before)
    expect(await customersOf(server, 'gone')).toEqual([])
  })
})
