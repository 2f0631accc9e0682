// Scenario 2, idle: how much memory does a server hold per connected, synced, silent client?
// Measured with each client in its own book and with all clients in one book.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sleep, type BenchContext } from '../lib/context'
import { connectMany } from '../lib/light-client'
import { createBooks, targetOf } from '../lib/our-api'
import { kib, metIf, mib, num, ratio, type Goal, type ScenarioReport } from '../lib/report'
import { BENCH_KINDS, SERVER_LABEL, startServerProcess, type MemoryAfterGc, type ServerKind } from '../lib/server-process'
import { medianOf } from '../lib/stats'

const LAYOUTS = ['one book each', 'all in one book'] as const
type Layout = (typeof LAYOUTS)[number]

interface Run {
  readonly baseline: number
  readonly after: number
  readonly perConnection: number
  /** JS heap + external memory per connection after GC: what the server's own objects hold. */
  readonly jsPerConnection: number
  readonly connectSeconds: number
}

const bookIds = (layout: Layout, n: number): string[] =>
  layout === 'all in one book' ? ['idle-shared'] : Array.from({ length: n }, (_, i) => `idle-${i}`)

const measure = async (kind: ServerKind, layout: Layout, n: number, ctx: BenchContext, dataDir: string): Promise<Run> => {
  // Ours reuses a data directory where the books already exist, so creating them costs nothing here.
  const server = await startServerProcess(kind, { core: ctx.serverCore, ...(kind === 'ours' ? { dataDir } : {}) })
  try {
    const target = await targetOf(server)
    // A first GC releases start-up garbage (and its pages), so the baseline is steady.
    await server.memoryAfterGc()
    await sleep(ctx.smoke ? 100 : 1000)
    const before = await server.memoryAfterGc()
    const started = performance.now()
    const clients = await connectMany(target, bookIds(layout, n), n, { concurrency: 100 })
    const connectSeconds = (performance.now() - started) / 1000
    await sleep(ctx.smoke ? 100 : 2000)
    const after = await server.memoryAfterGc()
    for (const c of clients) c.close()
    const js = (m: MemoryAfterGc) => m.heapUsed + m.external
    return {
      baseline: before.rss,
      after: after.rss,
      perConnection: (after.rss - before.rss) / n,
      jsPerConnection: (js(after) - js(before)) / n,
      connectSeconds,
    }
  } finally {
    await server.stop()
  }
}

export const runIdle = async (ctx: BenchContext): Promise<ScenarioReport> => {
  const sizes = ctx.smoke ? [20] : [1000, 5000]
  const maxN = Math.max(...sizes)
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-idle-'))
  const results = new Map<string, Run[]>()
  // The forwarder (peers/forwarder-main.ts: sockets and a Set per path, no Yjs, nothing per client)
  // shows what Node and our WebSocket layer alone hold per connection: the floor under ours here.
  const named = process.env.BENCH_SERVERS?.split(',')
  const kinds: ServerKind[] = [...BENCH_KINDS, ...(!named || named.includes('forwarder') ? (['forwarder'] as const) : [])]
  try {
    // Prepare our books once, in a server process of their own that is stopped before measuring.
    const prep = await startServerProcess('ours', { core: ctx.serverCore, dataDir })
    try {
      const books = ctx.smoke ? bookIds('all in one book', 1) : [...bookIds('one book each', maxN), ...bookIds('all in one book', 1)]
      await createBooks(prep, await targetOf(prep), books)
    } finally {
      await prep.stop()
    }
    for (const n of sizes) {
      for (const layout of ctx.smoke ? LAYOUTS.slice(1) : LAYOUTS) {
        for (const kind of kinds) {
          // A server's RSS before the first client moves by up to ≈8 MiB between runs (≈1.6 KiB a
          // connection at N = 5,000), so the N the goals read runs as often as every scenario;
          // the smaller N, which no goal reads, once less.
          const repeats = n === maxN ? ctx.repeats : Math.max(1, ctx.repeats - 1)
          const runs: Run[] = []
          for (let r = 0; r < repeats; r++) runs.push(await measure(kind, layout, n, ctx, dataDir))
          results.set(`${kind}/${layout}/${n}`, runs)
          ctx.log(`idle ${kind} ${layout} N=${n}: ${kib(medianOf(runs, (x) => x.perConnection))} KiB/connection`)
        }
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
  const med = (kind: ServerKind, layout: Layout, n: number, pick: (r: Run) => number) =>
    medianOf(results.get(`${kind}/${layout}/${n}`) ?? [], pick)
  const layouts = ctx.smoke ? LAYOUTS.slice(1) : LAYOUTS
  const rows = sizes.flatMap((n) =>
    layouts.flatMap((layout) =>
      kinds.map((kind) => [
        num(n),
        layout,
        SERVER_LABEL[kind],
        mib(med(kind, layout, n, (r) => r.baseline)),
        mib(med(kind, layout, n, (r) => r.after)),
        kib(med(kind, layout, n, (r) => r.perConnection)),
        kib(med(kind, layout, n, (r) => r.jsPerConnection)),
        kind === 'ours' ? '–' : ratio(med('ours', layout, n, (r) => r.perConnection), med(kind, layout, n, (r) => r.perConnection)),
        med(kind, layout, n, (r) => r.connectSeconds).toFixed(1),
        String(results.get(`${kind}/${layout}/${n}`)?.length ?? 0),
      ]),
    ),
  )
  const goals: Goal[] = layouts.map((layout) => {
    const ours = med('ours', layout, maxN, (r) => r.perConnection)
    const hp = med('hocuspocus', layout, maxN, (r) => r.perConnection)
    return {
      goal: `idle RSS per connection ≤ 0.5× Hocuspocus (N = ${num(maxN)}, ${layout})`,
      measured: `${kib(ours)} KiB vs ${kib(hp)} KiB = ${ratio(ours, hp)}`,
      met: metIf(ours <= 0.5 * hp, ours, hp),
    }
  })
  return {
    id: 2,
    title: 'Idle connections: RSS per connection',
    method:
      'N clients connect (100 at a time), each completing the y-websocket sync handshake as a fresh client with an empty ' +
      'document would, then stay silent. RSS per connection = (server RSS with N idle clients − RSS before the first ' +
      'client) ÷ N, both taken right after a full GC that a preloaded probe runs inside every server (--expose-gc, ' +
      'SIGUSR2; no server code changed), so garbage from connecting does not count; "JS heap" is V8 heap used + ' +
      'external memory, on the same terms. A fresh server process per run; ours reads ' +
      'its books from a data directory prepared beforehand by another process (books in ours must exist and the user ' +
      'must be a member; the peers accept any document name). Each of "one book each" books is empty but initialised.',
    tables: [
      {
        columns: ['N', 'layout', 'server', 'RSS before MiB', 'RSS with N MiB', 'RSS KiB / connection', 'JS heap KiB / connection', 'ours ÷ this (RSS)', 'connect s', 'runs'],
        rows,
      },
    ],
    goals,
    notes: kinds.includes('forwarder')
      ? layouts.map((layout) => {
          const floor = med('forwarder', layout, maxN, (r) => r.perConnection)
          const ours = med('ours', layout, maxN, (r) => r.perConnection)
          const hp = med('hocuspocus', layout, maxN, (r) => r.perConnection)
          const heapAbove = med('ours', layout, maxN, (r) => r.jsPerConnection) - med('forwarder', layout, maxN, (r) => r.jsPerConnection)
          return (
            `N = ${num(maxN)}, ${layout}: the floor (Node and our WebSocket layer, nothing per client) held ${kib(floor)} KiB RSS per connection ` +
            `(${ratio(floor, hp)} of Hocuspocus); ours ${kib(ours)} KiB, of which JS heap ${kib(heapAbove)} KiB above the floor's.`
          )
        })
      : [],
  }
}
