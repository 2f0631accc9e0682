// 100,000 rows through the real server process (main.ts in a child, as `npm start` runs it):
// streamed up, applied in batches, result checked through a streamed export; then the same
// file again, which must change nothing and write no update. Peak RSS is read from the
// kernel (/proc/<pid>/status): the book itself is resident (Yjs keeps ~8 KB per customer),
// so the importer's own memory shows as the growth during the second pass, when the book
// does not grow.
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnServer, type ChildServer } from '../testing/child-server'
import type { ImportReport } from './import-report'
import { largeFileRow, largeFileStream } from './large-file'

const ROWS = 100_000
const MB = 1024 * 1024
const hasProc = (() => {
  try {
    readFileSync('/proc/self/status')
    return true
  } catch {
    return false
  }
})()

/** VmRSS and VmHWM (peak) of a process, in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

/** Samples RSS every 50 ms while `work` runs; returns the highest value seen. */
async function peakRssDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peak: number; start: number }> {
  const start = memoryOf(pid).rss
  let peak = start
  const timer = setInterval(() => (peak = Math.max(peak, memoryOf(pid).rss)), 50)
  try {
    const result = await work()
    return { result, peak: Math.max(peak, memoryOf(pid).rss), start }
  } finally {
    clearInterval(timer)
  }
}

describe.skipIf(!hasProc)('importing 100,000 rows', () => {
  let dataDir = ''
  let server: ChildServer
  let url = ''
  let token = ''

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'crm-import-large-'))
    server = await spawnServer({ DATA_DIR: dataDir, MAX_IMPORT_BYTES: String(200 * MB) })
    url = `http://127.0.0.1:${server.port}`
    const login = await fetch(`${url}/api/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"alice"}' })
    token = ((await login.json()) as { token: string }).token
    const created = await fetch(`${url}/api/books`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"id":"large","name":"Large"}' })
    expect(created.status).toBe(201)
  }, 60_000)
  afterAll(async () => {
    server?.child.kill('SIGKILL')
    await server?.exited
    await rm(dataDir, { recursive: true, force: true })
  })

  const importLarge = async (): Promise<ImportReport> => {
    const res = await fetch(`${url}/api/books/large/import?format=csv`, {
      method: 'POST', headers: { authorization: `Bearer ${token}` }, body: largeFileStream(ROWS), duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(200)
    return (await res.json()) as ImportReport
  }
  const updatesStored = async () => Number(/crm_relay_updates_in_total (\d+)/.exec(await (await fetch(`${url}/metrics`)).text())?.[1])

  it('streams in, applies in batches, and exports back complete', async () => {
    const started = Date.now()
    const before = await updatesStored()
    const { result: report, peak } = await peakRssDuring(server.child.pid!, importLarge)
    const seconds = (Date.now() - started) / 1000
    console.info(`100k import: ${seconds.toFixed(1)} s, peak RSS ${(peak / MB).toFixed(0)} MB (kernel peak ${(memoryOf(server.child.pid!).peak / MB).toFixed(0)} MB)`)
    expect(report).toMatchObject({ rows: ROWS, imported: ROWS - 100, updated: 0, unchanged: 0, rejectedRows: 100, duplicateCount: 0, truncated: false })
    expect(report.rejected.every((r) => r.field === 'email' && r.row % 1000 === 0)).toBe(true)
    // One stored update per batch of 500 rows, not one per row and not one for the whole file.
    expect((await updatesStored()) - before).toBe(ROWS / 500)
    // The book with 100k customers dominates memory (~8 KB each in Yjs); this bounds the rest.
    expect(peak).toBeLessThan(2048 * MB)

    const exported = await fetch(`${url}/api/books/large/export?format=csv`, { headers: { authorization: `Bearer ${token}` } })
    const text = await exported.text()
    const lines = text.trimEnd().split('\r\n')
    expect(lines).toHaveLength(ROWS - 100 + 1)
    const row = largeFileRow(12_345)
    const name = /^"([^"]+)"/.exec(row)?.[1] ?? ''
    const phone = `+${/,\+([\d ]+),/.exec(row)?.[1]?.replace(/ /g, '')}`
    const exportedRow = lines.find((l) => l.includes('contact12345@example.com'))
    expect(exportedRow).toContain(`,${name},`)
    expect(exportedRow).toContain(`,${phone},`)
  }, 120_000)

  it('imports the same 100,000 rows again: nothing changes, no update is written, memory stays flat', async () => {
    const before = await updatesStored()
    const { result: report, peak, start } = await peakRssDuring(server.child.pid!, importLarge)
    console.info(`100k re-import: RSS ${(start / MB).toFixed(0)} MB → peak ${(peak / MB).toFixed(0)} MB`)
    expect(report).toMatchObject({ rows: ROWS, imported: 0, updated: 0, unchanged: ROWS - 100, rejectedRows: 100 })
    expect(await updatesStored()).toBe(before)
    // The importer's own working set (dedupe index, one batch, per-row garbage) over a resident book.
    expect(peak - start).toBeLessThan(300 * MB)
  }, 120_000)
})
