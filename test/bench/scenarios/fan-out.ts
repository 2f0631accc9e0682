// Scenario 1, fan-out: one writer edits a book 100 times a second while N readers are connected;
// how fast does each edit reach every reader, and what does that cost the server?
import { createCustomer, makeDemoCustomers } from '@crm-sync/model'
import { sleep, type BenchContext } from '../lib/context'
import { DocClient } from '../lib/doc-client'
import { connectMany } from '../lib/light-client'
import { createBooks, targetOf } from '../lib/our-api'
import { metIf, mib, ms, num, ratio, type ScenarioReport } from '../lib/report'
import { BENCH_KINDS, SERVER_LABEL, startServerProcess, type ServerKind } from '../lib/server-process'
import { medianOf, Samples } from '../lib/stats'
import type { Target } from '../lib/wire'

interface Run {
  readonly p50: number
  readonly p99: number
  readonly cpuSeconds: number
  readonly rssBytes: number
  /** Deliveries that never arrived within the drain time, over all readers. */
  readonly lost: number
  /** Server CPU per update delivered to one reader: the cost of fan-out, robust to other load. */
  readonly cpuMicrosPerDelivery: number
  /** Share of one core the load generator used while sending (near 100 %: it, not the server, limits). */
  readonly loadgenCpu: number
}

const WARMUP_UPDATES = 20

/** One measured run in a fresh book: connect readers, warm up, send at `rate` for `seconds`. */
const measure = async (
  target: Target,
  server: { cpuSeconds(): number; rssBytes(): number },
  book: string,
  readers: number,
  rate: number,
  seconds: number,
): Promise<Run> => {
  const total = WARMUP_UPDATES + Math.round(rate * seconds)
  const sentAt = new Float64Array(total)
  const received = new Int32Array(readers)
  const latency = new Samples()
  const writer = await DocClient.connect({ target, book })
  await writer.synced
  const ids = makeDemoCustomers(20, { seed: 7 }).map((c) => createCustomer(writer.doc, c, { by: 'alice' }))
  await writer.roundTrip()
  const clients = await connectMany(target, [book], readers, {
    onUpdate: (i) => {
      const k = received[i]!++
      if (k >= WARMUP_UPDATES && k < total) latency.push(performance.now() - sentAt[k]!)
    },
  })
  const customers = writer.doc.getMap<import('yjs').Map<unknown>>('customers')
  const send = (k: number) => {
    sentAt[k] = performance.now()
    customers.get(ids[k % ids.length]!)!.set('phone', `+4930${String(1_000_000 + k)}`)
  }
  for (let k = 0; k < WARMUP_UPDATES; k++) {
    send(k)
    await sleep(1000 / rate)
  }
  const cpu0 = server.cpuSeconds()
  const load0 = process.cpuUsage()
  const start = performance.now()
  for (let k = WARMUP_UPDATES; k < total; k++) {
    const due = start + ((k - WARMUP_UPDATES) * 1000) / rate
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
    send(k)
  }
  const deadline = Date.now() + 5000
  while (Date.now() < deadline && received.some((c) => c < total)) await sleep(20)
  const wall = performance.now() - start
  const load = process.cpuUsage(load0)
  const cpuSeconds = server.cpuSeconds() - cpu0
  const delivered = received.reduce((sum, c) => sum + Math.min(c, total) - WARMUP_UPDATES, 0)
  const run: Run = {
    p50: latency.percentile(0.5),
    p99: latency.percentile(0.99),
    cpuSeconds,
    cpuMicrosPerDelivery: (cpuSeconds * 1e6) / Math.max(1, delivered),
    rssBytes: server.rssBytes(),
    lost: received.reduce((sum, c) => sum + Math.max(0, total - c), 0),
    loadgenCpu: (load.user + load.system) / 1000 / wall,
  }
  for (const c of clients) c.close()
  await writer.close()
  return run
}

export const runFanOut = async (ctx: BenchContext): Promise<ScenarioReport> => {
  // BENCH_FANOUT_N=200 measures one size only (when trying a fix).
  const sizes = ctx.smoke ? [5] : process.env.BENCH_FANOUT_N ? [Number(process.env.BENCH_FANOUT_N)] : [50, 200, 1000]
  const rate = 100
  const seconds = ctx.smoke ? 1 : 10
  const goalN = ctx.smoke ? 5 : 200
  const results = new Map<string, Run[]>()
  // The forwarder (no Yjs, bytes forwarded) shows what the harness itself costs.
  const named = process.env.BENCH_SERVERS?.split(',')
  const kinds: ServerKind[] = [...BENCH_KINDS, ...(!named || named.includes('forwarder') ? (['forwarder'] as const) : [])]
  for (const n of sizes) {
    for (const kind of kinds) {
      const server = await startServerProcess(kind, { core: ctx.serverCore })
      try {
        const target = await targetOf(server)
        // The goal is at goalN; the largest N saturates every server here, so one run of it suffices.
        const repeats = n === goalN ? ctx.repeats : n === Math.max(...sizes) ? 1 : Math.max(1, ctx.repeats - 1)
        const runs: Run[] = []
        for (let r = 0; r < repeats; r++) {
          const book = `fanout-${n}-${r}`
          await createBooks(server, target, [book])
          runs.push(await measure(target, server, book, n, rate, seconds))
          ctx.log(`fan-out ${kind} N=${n} run ${r + 1}/${repeats}: p50 ${ms(runs.at(-1)!.p50)} ms p99 ${ms(runs.at(-1)!.p99)} ms`)
        }
        results.set(`${kind}/${n}`, runs)
      } finally {
        await server.stop()
      }
    }
  }
  const med = (kind: ServerKind, n: number, pick: (r: Run) => number) => medianOf(results.get(`${kind}/${n}`) ?? [], pick)
  const rows = sizes.flatMap((n) =>
    kinds.map((kind) => [
      num(n),
      SERVER_LABEL[kind],
      ms(med(kind, n, (r) => r.p50)),
      ms(med(kind, n, (r) => r.p99)),
      med(kind, n, (r) => r.cpuSeconds).toFixed(2),
      med(kind, n, (r) => r.cpuMicrosPerDelivery).toFixed(1),
      mib(med(kind, n, (r) => r.rssBytes)),
      num(med(kind, n, (r) => r.lost)),
      `${num(med(kind, n, (r) => r.loadgenCpu) * 100)} %`,
      String(results.get(`${kind}/${n}`)?.length ?? 0),
    ]),
  )
  const ratioRows = sizes.map((n) => [
    num(n),
    ratio(med('ours', n, (r) => r.p50), med('hocuspocus', n, (r) => r.p50)),
    ratio(med('ours', n, (r) => r.p99), med('hocuspocus', n, (r) => r.p99)),
    ratio(med('ours', n, (r) => r.p99), med('y-websocket-server', n, (r) => r.p99)),
    ratio(med('ours', n, (r) => r.cpuSeconds), med('hocuspocus', n, (r) => r.cpuSeconds)),
    ratio(med('ours', n, (r) => r.cpuSeconds), med('y-websocket-server', n, (r) => r.cpuSeconds)),
    ratio(med('ours', n, (r) => r.rssBytes), med('hocuspocus', n, (r) => r.rssBytes)),
  ])
  const p99 = med('ours', goalN, (r) => r.p99)
  const p50 = med('ours', goalN, (r) => r.p50)
  const hp = med('hocuspocus', goalN, (r) => r.p99)
  const yw = med('y-websocket-server', goalN, (r) => r.p99)
  const floor = med('forwarder', goalN, (r) => r.p99)
  const aboveFloor = (kind: ServerKind, n: number) => med(kind, n, (r) => r.p99) - med('forwarder', n, (r) => r.p99)
  const floorRows = kinds.includes('forwarder')
    ? sizes.map((n) => [
        num(n),
        ms(med('forwarder', n, (r) => r.p99)),
        ratio(med('forwarder', n, (r) => r.p99), med('hocuspocus', n, (r) => r.p99)),
        ms(aboveFloor('ours', n)),
        ms(aboveFloor('hocuspocus', n)),
        ms(aboveFloor('y-websocket-server', n)),
        ratio(aboveFloor('ours', n), aboveFloor('hocuspocus', n)),
        ratio(aboveFloor('ours', n), aboveFloor('y-websocket-server', n)),
      ])
    : []
  return {
    id: 1,
    title: 'Fan-out: one writer, N readers, 100 updates/s',
    method:
      `One writer (a Y.Doc client) sets a customer field ${rate} times a second for ${seconds} s in a book of 20 customers; ` +
      `N readers (sync handshake done, no document kept) record when each update frame arrives. Latency = arrival − send, ` +
      `over every (reader, update) pair, same clock (writer and readers share the load-generator process). ` +
      `${WARMUP_UPDATES} warm-up updates are not counted. Server CPU = utime+stime of the server process during the send window; ` +
      `RSS at the end of the window. Fresh server per (server, N); a fresh book per run.`,
    tables: [
      {
        columns: ['N', 'server', 'p50 ms', 'p99 ms', 'server CPU s', 'CPU µs / delivery', 'server RSS MiB', 'lost', 'load-gen CPU', 'runs'],
        rows,
      },
      {
        title: 'Ratios, ours ÷ peer (below 1 is better for us):',
        columns: ['N', 'p50 vs Hocuspocus', 'p99 vs Hocuspocus', 'p99 vs y-ws-server', 'CPU vs Hocuspocus', 'CPU vs y-ws-server', 'RSS vs Hocuspocus'],
        rows: ratioRows,
      },
      ...(floorRows.length > 0
        ? [
            {
              title:
                'The harness floor: the forwarder keeps no document and forwards each update frame, framed once, to the other ' +
                'sockets, on our WebSocket layer. Its p99 is what the load generator (one core, 200 sockets read in turn) and the kernel cost; "above ' +
                'the floor" is each server\'s p99 minus the forwarder\'s, the part a server can change:',
              columns: ['N', 'floor p99 ms', 'floor ÷ Hocuspocus p99', 'ours above floor ms', 'Hocuspocus above floor ms', 'y-ws-server above floor ms', 'ours ÷ Hocuspocus (above floor)', 'ours ÷ y-ws-server (above floor)'],
              rows: floorRows,
            },
          ]
        : []),
    ],
    goals: [
      { goal: `p99 at N = ${goalN} ≤ 0.5× Hocuspocus`, measured: `${ms(p99)} ms vs ${ms(hp)} ms = ${ratio(p99, hp)}`, met: metIf(p99 <= 0.5 * hp, p99, hp) },
      { goal: `p99 at N = ${goalN} ≤ 0.7× y-websocket-server`, measured: `${ms(p99)} ms vs ${ms(yw)} ms = ${ratio(p99, yw)}`, met: metIf(p99 <= 0.7 * yw, p99, yw) },
      { goal: `p50 at N = ${goalN} ≤ 5 ms`, measured: `${ms(p50)} ms`, met: metIf(p50 <= 5, p50) },
    ],
    notes: Number.isFinite(floor)
      ? [
          `At N = ${goalN} the floor alone is ${ms(floor)} ms p99 = ${ratio(floor, hp)} of Hocuspocus' p99 and ${ratio(floor, yw)} of ` +
            `y-websocket-server's: a server that took no time at all would measure that ratio here.`,
        ]
      : [],
    checks: { deliveredRuns: [...results.values()].flat().length, lost: [...results.values()].flat().reduce((s, r) => s + r.lost, 0) },
  }
}
