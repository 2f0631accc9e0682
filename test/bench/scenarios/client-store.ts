// Scenario 6, client store in Chromium: the client engine (openBook on IndexedDB) in a real
// browser. How long until a 10,000-customer book is usable offline, how many keystroke
// transactions a second it keeps up with, and how storage grows over 20 sessions.
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import type { ClientBench } from '../browser/client-store-page'
import type { BenchContext } from '../lib/context'
import { bytes, metIf, ms, num, type ScenarioReport } from '../lib/report'
import { medianOf } from '../lib/stats'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const PAGE = fileURLToPath(new URL('../browser/client-store-page.ts', import.meta.url))

type Bench = ClientBench
type Result<K extends keyof Bench> = Awaited<ReturnType<Bench[K]>>

const serve = (files: Record<string, { type: string; body: Uint8Array | string }>): Promise<Server> =>
  new Promise((resolve) => {
    const server = createServer((req, res) => {
      const file = files[req.url ?? '']
      if (!file) return void res.writeHead(404).end()
      res.writeHead(200, { 'content-type': file.type }).end(file.body)
    })
    server.listen(0, '127.0.0.1', () => resolve(server))
  })

const notRun = (why: string): ScenarioReport => ({
  id: 6,
  title: 'Client store in Chromium',
  method: why,
  tables: [],
  goals: [{ goal: 'a 10,000-customer book loads from IndexedDB in ≤ 300 ms', measured: why, met: null }],
  notes: [],
})

export const runClientStore = async (ctx: BenchContext): Promise<ScenarioReport> => {
  if (!existsSync(CHROMIUM)) return notRun(`not run: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`)
  const big = ctx.bigBook()
  const bundle = await build({ entryPoints: [PAGE], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', write: false, logLevel: 'error' })
  const http = await serve({
    '/': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><script src="/bench.js"></script>' },
    '/bench.js': { type: 'text/javascript', body: bundle.outputFiles[0]!.contents },
    '/big-book.bin': { type: 'application/octet-stream', body: big.state },
  })
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  })
  try {
    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`)
    const call = <K extends keyof Bench>(fn: K, ...args: Parameters<Bench[K]>): Promise<Result<K>> =>
      page.evaluate(([f, a]) => (globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>).clientBench![f]!(...a), [fn, args] as const) as Promise<Result<K>>
    await call('prepare', '/big-book.bin')
    const loads: Result<'load'>[] = []
    const loadRuns = ctx.smoke ? 2 : Math.max(5, ctx.repeats)
    for (let r = 0; r < loadRuns; r++) {
      await page.reload() // a fresh page: as when the app starts
      loads.push(await call('load'))
      if (loads.at(-1)!.customers !== big.customers) throw new Error(`loaded ${loads.at(-1)!.customers} of ${big.customers} customers`)
    }
    const warm = await call('load') // same page again: JIT warm, IndexedDB connection reopened
    const parts = await call('breakdown')
    const typing: Result<'typing'>[] = []
    for (let r = 0; r < (ctx.smoke ? 1 : ctx.repeats); r++) typing.push(await call('typing', ctx.smoke ? 0.5 : 3))
    // The typing left its rows behind (compaction is by bytes too): how does the next start fare?
    const afterTyping = await call('stats')
    await page.reload()
    const loadAfterTyping = await call('load')
    // Reopens start again from the book as a cold sync stores it, so they show their own growth.
    await call('prepare', '/big-book.bin')
    const reopenTimes = ctx.smoke ? 3 : 20
    const reopen = await call('reopen', reopenTimes)
    const loadMs = medianOf(loads, (l) => l.loadMs)
    ctx.log(`client store: load ${ms(loadMs)} ms, typing ${num(medianOf(typing, (t) => t.perSecond))}/s`)
    return {
      id: 6,
      title: `Client store in Chromium: a ${num(big.customers)}-customer book in IndexedDB`,
      method:
        `Headless Chromium (${browser.version()}) runs the client engine (\`openBook\` with the IndexedDB LocalStore, ` +
        `\`connect: false\`) from a bundled page. The book is stored as a synced client holds it after a cold sync (one row ` +
        `of ${bytes(big.stateBytes)}). Load = openBook → whenLoaded (the Y.Doc holds every customer), in a freshly reloaded ` +
        `page, ${loadRuns} times; "list" then reads every customer as plain objects. Typing: one transaction per keystroke into ` +
        `a customer's notes (yielding every 5 keystrokes), until the batched IndexedDB writes are saved; rate = keystrokes ÷ ` +
        `(typing + save time). Reopens: from the book freshly stored again, ${reopenTimes} sessions of open → 10 keystrokes → close.`,
      tables: [
        {
          columns: ['measure', 'median', 'notes'],
          rows: [
            ['load from IndexedDB, fresh page', `${ms(loadMs)} ms`, `runs: ${loads.map((l) => ms(l.loadMs)).join(', ')}`],
            ['load, same page again (warm)', `${ms(warm.loadMs)} ms`, ''],
            ['… of which reading IndexedDB / applying the Yjs update', `${ms(parts.readMs)} / ${ms(parts.applyMs)} ms`, 'measured apart, same page'],
            ['one compaction (foldUpdates of the stored rows) / encoding the loaded doc', `${ms(parts.foldMs)} / ${ms(parts.encodeMs)} ms`, 'main thread, inside an IndexedDB transaction'],
            ['+ list every customer (readCustomers)', `${ms(medianOf(loads, (l) => l.listMs))} ms`, 'after load'],
            ['keystroke transactions/s while typing, saved', num(medianOf(typing, (t) => t.perSecond)), `${num(medianOf(typing, (t) => t.keystrokes))} keystrokes per run`],
            ['one keystroke transaction p50 / p99', `${ms(medianOf(typing, (t) => t.p50))} / ${ms(medianOf(typing, (t) => t.p99))} ms`, 'main thread, synchronous part'],
            ['stored after the typing runs', `${bytes(afterTyping.bytes)} in ${num(afterTyping.rows)} rows`, ''],
            ['load from IndexedDB after the typing runs, fresh page', `${ms(loadAfterTyping.loadMs)} ms`, 'one run'],
            ['storage after 1 session', `${bytes(reopen.bytes[0]!)} in ${num(reopen.rows[0]!)} rows`, ''],
            [`storage after ${reopenTimes} sessions`, `${bytes(reopen.bytes.at(-1)!)} in ${num(reopen.rows.at(-1)!)} rows`, `document state: ${bytes(reopen.stateBytes)}; origin usage (navigator.storage.estimate): ${bytes(reopen.usage)}`],
          ],
        },
      ],
      goals: [{ goal: `a ${num(big.customers)}-customer book loads from IndexedDB in ≤ 300 ms`, measured: `${ms(loadMs)} ms`, met: metIf(loadMs <= 300, loadMs) }],
      notes: [],
      checks: { loadMs },
    }
  } finally {
    await browser.close()
    await new Promise((r) => http.close(r))
  }
}
