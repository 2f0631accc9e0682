// A file that goes bad after its first batches is refused whole, and nothing is written: the
// check pass reads the whole upload before the first write. Also: the upload's temporary copy
// is removed whether the import succeeds, is refused, or the client hangs up mid-upload.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customersMap } from '@crm-sync/model'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, waitFor, whenSynced } from '../testing/ws-clients'
import type { ImportReport } from './import-report'
import { createBook, customersOf, errorOf, headSeq, postImport, type ImportCall } from './import-test-kit'
import type { ImportProgress } from './run-import'

const LIMIT = 4 * 1024 * 1024
const SPOOL_MEMORY = 4096

type Event = { type: 'progress' } & ImportProgress | { type: 'report'; report: ImportReport } | { type: 'error'; error: { code: string; details: { applied: { rows: number } } } }

/** The bytes as a stream of 1 KB chunks without Content-Length, as a slow client uploads. */
const inChunks = (file: Uint8Array) => new ReadableStream<Uint8Array>({
  start(controller) {
    for (let i = 0; i < file.length; i += 1024) controller.enqueue(file.slice(i, i + 1024))
    controller.close()
  },
})

const goodRows = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix} ${i},${prefix.toLowerCase()}${i}@example.com\n`).join('')
const utf8 = (text: string) => new TextEncoder().encode(text)
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) (out.set(p, at), (at += p.length))
  return out
}

describe('an import that goes bad late is refused whole', () => {
  let server: TestServer
  let spoolDir = ''
  let alice = ''
  let book = 0

  beforeAll(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), 'crm-import-spool-test-'))
    server = await startTestServer({ MAX_IMPORT_BYTES: String(LIMIT) }, undefined, { importSpool: { memoryBytes: SPOOL_MEMORY, dir: spoolDir } })
    alice = await server.token('alice')
  })
  afterAll(async () => {
    await server.dispose()
    await rm(spoolDir, { recursive: true, force: true })
  })

  const spooled = () => readdir(spoolDir)
  const freshBook = async () => {
    const id = `late-${++book}`
    await createBook(server, alice, id)
    return id
  }

  /** Refused with `code`, in the plain and the NDJSON mode, and the book has no write. */
  const refusedWhole = async (file: Uint8Array, call: Omit<ImportCall, 'token'>, status: number, code: string) => {
    const id = await freshBook()
    const before = await headSeq(server, id)
    const plain = await postImport(server, id, inChunks(file), { token: alice, ...call, query: { batchSize: '50', ...call.query } })
    const text = await plain.text()
    const error = (JSON.parse(text) as { error: { code: string; message: string; details?: unknown } }).error
    if (!error) throw new Error(`${plain.status} ${text.slice(0, 300)}`)
    expect({ status: plain.status, code: error.code }).toEqual({ status, code })
    // Answered before the upload ended: the client must not reuse the connection.
    expect(plain.headers.get('connection')).toBe('close')
    expect(error.details).toMatchObject({ applied: { rows: 0, imported: 0 } })

    const streamed = await postImport(server, id, inChunks(file), { token: alice, ...call, accept: 'application/x-ndjson', query: { batchSize: '50', ...call.query } })
    expect(streamed.status).toBe(200)
    const events = (await streamed.text()).trim().split('\n').map((l) => JSON.parse(l) as Event)
    const progress = events.filter((e) => e.type === 'progress')
    // Progress while the file was checked, then the refusal; no batch was applied.
    expect(progress.length).toBeGreaterThan(1)
    expect(progress.every((p) => p.phase === 'checking' && p.rows === 0 && p.imported === 0)).toBe(true)
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code, details: { applied: { rows: 0 } } } })

    expect(await headSeq(server, id)).toBe(before)
    expect(await customersOf(server, id)).toEqual([])
    expect(await spooled()).toEqual([])
    return error
  }

  it('a CSV quote left open after 3,000 good rows', async () => {
    const error = await refusedWhole(utf8(`Company,Email\n${goodRows(3000, 'Later')}"Unclosed,quote@example.com\n`), { format: 'csv' }, 422, 'parse-error')
    expect(error.message).toContain('CSV is malformed')
  })

  it('invalid UTF-8 after 3,000 good rows', async () => {
    const file = concat(utf8(`Company,City\n${goodRows(3000, 'Encoded')}`), Buffer.from('M\xfcller,K\xf6ln\n', 'latin1'))
    const error = await refusedWhole(file, { format: 'csv' }, 422, 'invalid-encoding')
    expect(error.message).toContain('encoding=windows-1252')
  })

  it('a JSON record too large after 300 good ones', async () => {
    const records = Array.from({ length: 300 }, (_, i) => JSON.stringify({ name: `Json ${i}` }))
    const huge = JSON.stringify({ name: 'Huge', notes: 'x'.repeat(1_000_001) })
    const file = utf8(`[${[...records, huge].join(',\n')}]`)
    await refusedWhole(file, { format: 'json' }, 413, 'record-too-large')
  }, 30_000)

  it('an XML file cut off after 300 good records', async () => {
    const records = Array.from({ length: 300 }, (_, i) => `<customer><name>Xml ${i}</name></customer>`).join('\n')
    await refusedWhole(utf8(`<customers>\n${records}\n<customer><name>Cut`), { format: 'xml' }, 422, 'parse-error')
  })

  it('an upload without Content-Length that grows past MAX_IMPORT_BYTES', async () => {
    const rows = Math.ceil(LIMIT / 30)
    await refusedWhole(utf8(`Company,Email\n${goodRows(rows, 'Big')}`), { format: 'csv' }, 413, 'body-too-large')
  })

  it('a dry run refuses the same way', async () => {
    await refusedWhole(utf8(`Company,Email\n${goodRows(3000, 'Dry')}"Unclosed,quote@example.com\n`), { format: 'csv', query: { dryRun: '1' } }, 422, 'parse-error')
  })

  it('a good large file still arrives batch by batch, with progress for both passes', async () => {
    const id = await freshBook()
    const client = connectProvider(server.wsUrl, id, alice)
    await whenSynced(client)
    const sizes: number[] = []
    client.doc.on('update', () => sizes.push(customersMap(client.doc).size))
    const file = utf8(`Company,Email\n${goodRows(200, 'Good')}`)
    expect(file.length).toBeGreaterThan(SPOOL_MEMORY) // the copy went to a temporary file
    const res = await postImport(server, id, inChunks(file), { token: alice, format: 'csv', accept: 'application/x-ndjson', query: { batchSize: '50' } })
    const events = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Event)
    const progress = events.filter((e): e is Extract<Event, { type: 'progress' }> => e.type === 'progress')
    const phases = progress.map((p) => p.phase)
    expect(phases.indexOf('importing')).toBeGreaterThan(0)
    expect(phases.slice(phases.indexOf('importing')).every((p) => p === 'importing')).toBe(true)
    const checking = progress.filter((p) => p.phase === 'checking')
    expect(checking.at(-1)).toMatchObject({ checked: 200, bytes: file.length, rows: 0 })
    const importing = progress.filter((p) => p.phase === 'importing')
    expect(importing.map((p) => p.imported)).toEqual([50, 100, 150, 200])
    expect(importing.at(-1)).toMatchObject({ checked: 200, bytes: file.length })
    expect(events.at(-1)).toMatchObject({ type: 'report', report: { imported: 200 } })
    await waitFor(() => customersMap(client.doc).size === 200)
    expect(new Set(sizes)).toEqual(new Set([50, 100, 150, 200]))
    client.destroy()
    expect(await spooled()).toEqual([])
  })

  it('removes the temporary copy when the client hangs up mid-upload, and writes nothing', async () => {
    const id = await freshBook()
    const before = await headSeq(server, id)
    const abort = new AbortController()
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(utf8(`Company,Email\n${goodRows(400, 'Gone')}`))
        // and then nothing more: the client hangs up instead
      },
    })
    const res = postImport(server, id, body, { token: alice, format: 'csv', query: { batchSize: '10' }, signal: abort.signal })
    const listed: string[][] = []
    await waitForAsync(async () => (listed.push(await spooled()), listed.at(-1)!.length > 0), 'the upload to be spooled')
    abort.abort()
    await res.catch(() => {})
    await waitForAsync(async () => (await spooled()).length === 0, 'the spool to be removed')
    expect(await headSeq(server, id)).toBe(before)
    expect(await customersOf(server, id)).toEqual([])
  })
})

async function waitForAsync(predicate: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
