// A full disk while the upload is copied to its temporary file (ENOSPC, or EDQUOT for a quota)
// is a refusal that says so, HTTP 507 or an NDJSON error line, never a 500; nothing is written
// to the book and the partial copy is removed. The failure is injected through the spool's
// writer, so the test does not fill a disk.
import { mkdtemp, open, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server'
import type { SpoolWriter } from './body-spool'
import { createBook, customersOf, errorOf, headSeq, postImport } from './import-test-kit'

const SPOOL_MEMORY = 128 * 1024

/** Every write to the spool file fails as on a full disk. */
const diskFull = async (path: string): Promise<SpoolWriter> => {
  const file = await open(path, 'wx', 0o600)
  return {
    write: async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' })
    },
    close: () => file.close(),
  }
}

const csv = (rows: number) => `Company,Email\n${Array.from({ length: rows }, (_, i) => `Full Disk ${i},full${i}@example.com\n`).join('')}`
/** 4 KB chunks without Content-Length, so the first batch is read (past the CSV parser's 64 KB sniff) before the copy spills. */
const inChunks = (text: string) => {
  const bytes = new TextEncoder().encode(text)
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.slice(i, i + 4096))
      controller.close()
    },
  })
}

describe('an import when the disk for temporary files is full', () => {
  let server: TestServer
  let spoolDir = ''
  let alice = ''
  let book = 0
  const freshBook = async () => {
    const id = `disk-full-${++book}`
    await createBook(server, alice, id)
    return { id, before: await headSeq(server, id) }
  }
  const untouched = async (id: string, before: number) => {
    expect(await headSeq(server, id)).toBe(before)
    expect(await customersOf(server, id)).toEqual([])
    expect(await readdir(spoolDir)).toEqual([])
  }

  beforeAll(async () => {
    spoolDir = await mkdtemp(join(tmpdir(), 'crm-disk-full-test-'))
    server = await startTestServer({}, undefined, { importSpool: { memoryBytes: SPOOL_MEMORY, dir: spoolDir, openWriter: diskFull } })
    alice = await server.token('alice')
  })
  afterAll(async () => {
    await server.dispose()
    await rm(spoolDir, { recursive: true, force: true })
  })

  it('answers 507 insufficient-storage, saying the server has no room for the upload', async () => {
    const { id, before } = await freshBook()
    for (const accept of ['application/json', 'application/x-ndjson']) {
      // The first batch (5,000 rows, 175 KB) is past the spill: it fails before the response starts.
      const res = await postImport(server, id, csv(6000), { token: alice, format: 'csv', accept, query: { batchSize: '5000' } })
      expect(res.status).toBe(507)
      const error = await errorOf(res)
      expect(error).toMatchObject({ code: 'insufficient-storage', details: { reason: 'ENOSPC', applied: { rows: 0 } } })
      expect(error.message).toContain('the server has no room to take the upload')
    }
    await untouched(id, before)
  })

  it('with progress lines already sent, ends them with an insufficient-storage error line', async () => {
    const { id, before } = await freshBook()
    const res = await postImport(server, id, inChunks(csv(6000)), { token: alice, format: 'csv', accept: 'application/x-ndjson', query: { batchSize: '10' } })
    expect(res.status).toBe(200)
    const events = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; error?: { code: string; message: string } })
    expect(events[0]).toMatchObject({ type: 'progress', phase: 'checking' })
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'insufficient-storage', message: expect.stringContaining('no room to take the upload') } })
    await untouched(id, before)
  })
})
