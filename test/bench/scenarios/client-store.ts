// Scenario 6, client store in Chromium: the client engine (openBook on IndexedDB) in a real
// browser. How long until a 10,000-customer book's list is usable offline (from the saved
// projection) and until its Y.Doc has loaded, how many keystroke transactions a second it keeps
// up with (with and without keeping the projection), and how storage grows over 20 sessions.
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
  goals: [
    { goal: 'a 10,000-customer book: list usable from IndexedDB ≤ 300 ms', measured: why, met: null },
    { goal: 'a 10,000-customer book: Y.Doc loaded from IndexedDB ≤ 300 ms', measured: why, met: null },
  ],
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
    const prepared = await call('prepare', '/big-book.bin')
    if (prepared.projectionCustomers !== big.customers) throw new Error(`projection holds ${prepared.projectionCustomers} of ${big.customers} customers`)
    const loadRuns = ctx.smoke ? 2 : Math.max(5, ctx.repeats)
    const loads: Result<'load'>[] = []
    for (let r = 0; r < loadRuns; r++) {
      await page.reload() // a fresh page: as when the app starts
      loads.push(await call('load'))
      if (loads.at(-1)!.customers !== big.customers) throw new Error(`loaded ${loads.at(-1)!.customers} of ${big.customers} customers`)
    }
    const lists: Result<'listFromProjection'>[] = []
    for (let r = 0; r < loadRuns; r++) {
      await page.reload()
      const run = await call('listFromProjection')
      if (run.from !== 'projection' || run.customers !== big.customers) throw new Error(`listed ${run.customers} customers from the ${run.from}`)
      lists.push(run)
    }
    const warm = await call('load') // same page again: JIT warm, IndexedDB connection reopened
    const parts = await call('breakdown')
    const typing: Result<'typing'>[] = []
    const typingOff: Result<'typing'>[] = []
    const typingSeconds = ctx.smoke ? 0.5 : 3
    for (let r = 0; r < (ctx.smoke ? 1 : ctx.repeats); r++) {
      typing.push(await call('typing', typingSeconds, true))
      typingOff.push(await call('typing', typingSeconds, false))
    }
    // The typing left its rows behind (compaction is by bytes too): how does the next start fare?
    const afterTyping = await call('stats')
    await page.reload()
    const loadAfterTyping = await call('load')
    // Reopens start again from the book as a cold sync stores it, so they show their own growth.
    await call('prepare', '/big-book.bin')
    const reopenTimes = ctx.smoke ? 3 : 20
    const reopen = await call('reopen', reopenTimes)
    const loadMs = medianOf(loads, (l) => l.loadMs)
    const listMs = medianOf(lists, (l) => l.listMs)
    const rate = medianOf(typing, (t) => t.perSecond)
    const rateOff = medianOf(typingOff, (t) => t.perSecond)
    ctx.log(`client store: list from the projection ${ms(listMs)} ms, Y.Doc loaded ${ms(loadMs)} ms, typing ${num(rate)}/s (${num(rateOff)}/s without projection)`)
    return {
      id: 6,
      title: `Client store in Chromium: a ${num(big.customers)}-customer book in IndexedDB`,
      method:
        `Headless Chromium (${browser.version()}) runs the client engine (\`openBook\` with the IndexedDB LocalStore, ` +
        `\`connect: false\`) from a bundled page. The book is stored as a synced client holds it after a cold sync (one row ` +
        `of ${bytes(big.stateBytes)}) plus its projection (the customers as plain objects, written once by opening and closing ` +
        `the book). "Y.Doc loaded" = openBook → whenLoaded (the Y.Doc holds every customer), in a freshly reloaded page, ` +
        `${loadRuns} times; "list" then reads every customer as plain objects. "List usable" = openBook → whenReadable (the ` +
        `projection read from IndexedDB) → the app's list index (client/src/book/customer-index.ts) built from it and sorted by ` +
        `name, in a freshly reloaded page, ${loadRuns} times; the same run then waits for whenLoaded. Typing: one transaction ` +
        `per keystroke into a customer's notes (yielding every 5 keystrokes) for ${typingSeconds} s, until the batched ` +
        `IndexedDB writes are saved; rate = keystrokes ÷ (typing + save time), with the projection kept (default, ` +
        `projectionMs 1 s) and with keepProjection: false. Reopens: from the book freshly stored again, ${reopenTimes} ` +
        `sessions of open → 10 keystrokes → close.`,
      tables: [
        {
          columns: ['measure', 'median', 'notes'],
          rows: [
            ['customers listed from IndexedDB (projection), fresh page', `${ms(listMs)} ms`, `runs: ${lists.map((l) => ms(l.listMs)).join(', ')}`],
            ['… of which whenReadable (projection read and parsed)', `${ms(medianOf(lists, (l) => l.readableMs))} ms`, `then index + sort: the rest; one search ("gmbh", ${num(lists[0]!.matches)} hits): ${ms(medianOf(lists, (l) => l.searchMs))} ms`],
            ['… Y.Doc loaded in the same run (page busy applying it after the list)', `${ms(medianOf(lists, (l) => l.loadedMs))} ms`, 'input waits while Y.applyUpdate runs'],
            ['Y.Doc loaded from IndexedDB, fresh page', `${ms(loadMs)} ms`, `runs: ${loads.map((l) => ms(l.loadMs)).join(', ')}`],
            ['Y.Doc loaded, same page again (warm)', `${ms(warm.loadMs)} ms`, ''],
            ['… of which reading IndexedDB / applying the Yjs update', `${ms(parts.readMs)} / ${ms(parts.applyMs)} ms`, `measured apart, same page; reading the projection alone: ${ms(parts.projectionReadMs)} ms`],
            ['one compaction (foldUpdates of the stored rows) / encoding the loaded doc', `${ms(parts.foldMs)} / ${ms(parts.encodeMs)} ms`, 'main thread, inside an IndexedDB transaction'],
            ['+ list every customer from the Y.Doc (readCustomers)', `${ms(medianOf(loads, (l) => l.listMs))} ms`, 'after load'],
            [`one whole projection write (${num(prepared.projectionCustomers)} customers)`, `${ms(prepared.projectionWriteMs)} ms`, `IndexedDB write; close() including reading them out of the doc: ${ms(prepared.closeMs)} ms (once per book, or after a mismatch)`],
            ['one incremental projection write (the customer typed into)', `${ms(medianOf(typing, (t) => t.projectionWriteMs))} ms`, `${num(medianOf(typing, (t) => t.projectionWrites))} per typing run (≤ 1 per projectionMs + close) vs ${num(medianOf(typing, (t) => t.transactions))} transactions; a batch that only marks it stale: ${ms(medianOf(typing, (t) => t.markOnlyWriteMs))} ms`],
            ['keystroke transactions/s while typing, saved (projection kept / not kept)', `${num(rate)} / ${num(rateOff)}`, `${num(medianOf(typing, (t) => t.keystrokes))} / ${num(medianOf(typingOff, (t) => t.keystrokes))} keystrokes per run`],
            ['one keystroke transaction p50 / p99', `${ms(medianOf(typing, (t) => t.p50))} / ${ms(medianOf(typing, (t) => t.p99))} ms`, 'main thread, synchronous part, projection kept'],
            ['stored after the typing runs', `${bytes(afterTyping.bytes)} in ${num(afterTyping.rows)} rows`, 'one merged row per batch'],
            ['Y.Doc loaded from IndexedDB after the typing runs, fresh page', `${ms(loadAfterTyping.loadMs)} ms`, 'one run'],
            ['storage after 1 session', `${bytes(reopen.bytes[0]!)} in ${num(reopen.rows[0]!)} rows`, ''],
            [`storage after ${reopenTimes} sessions`, `${bytes(reopen.bytes.at(-1)!)} in ${num(reopen.rows.at(-1)!)} rows`, `document state: ${bytes(reopen.stateBytes)}; origin usage (navigator.storage.estimate): ${bytes(reopen.usage)}`],
          ],
        },
      ],
      goals: [
        {
          goal: `a ${num(big.customers)}-customer book: list usable from IndexedDB ≤ 300 ms`,
          measured: `${ms(listMs)} ms (from the saved projection, read-only until the Y.Doc has loaded)`,
          met: metIf(listMs <= 300, listMs),
        },
        {
          goal: `a ${num(big.customers)}-customer book: Y.Doc loaded from IndexedDB ≤ 300 ms`,
          measured: `${ms(loadMs)} ms (Y.applyUpdate of the ${bytes(big.stateBytes)} book, the public layout; see findings)`,
          met: metIf(loadMs <= 300, loadMs),
        },
      ],
      notes: [],
      checks: { loadMs, listMs },
    }
  } finally {
    await browser.close()
    await new Promise((r) => http.close(r))
  }
}
