// Scenario 3, reconnect: a rep edits 100 customers offline in a 10,000-customer book and comes
// back online. What crosses the wire, both ways, compared with syncing the whole book afresh?
import type * as Y from 'yjs'
import { pushBigBook } from '../lib/big-book'
import { sleep, type BenchContext } from '../lib/context'
import { DocClient } from '../lib/doc-client'
import { createBooks, targetOf } from '../lib/our-api'
import { bytes, metIf, num, ratio, type ScenarioReport } from '../lib/report'
import { BENCH_KINDS, SERVER_LABEL, startServerProcess, type ServerKind } from '../lib/server-process'
import { medianOf } from '../lib/stats'
import type { Target } from '../lib/wire'

const OFFLINE_EDITS = 100
const QUIET_MS = 300

interface Run {
  readonly fullIn: number
  readonly fullOut: number
  readonly reconnectIn: number
  readonly reconnectOut: number
}

/** Waits until what a connection sent has been taken: ours' durable ack, Hocuspocus' sync status. */
const settle = async (kind: ServerKind, client: DocClient): Promise<void> => {
  await client.synced
  if (kind === 'ours' || kind === 'hocuspocus') await client.waitAcked(client.framesSent)
  await client.waitQuiet(QUIET_MS)
}

const measure = async (target: Target, book: string, holder: DocClient, round: number): Promise<Run> => {
  const first = await DocClient.connect({ target, book, ack: target.kind === 'ours' })
  await settle(target.kind, first)
  const full = first.bytes()
  await first.close()
  // Offline: 100 separate edits (one transaction each, as a user makes them) to 100 customers.
  const doc = first.doc
  const customers = doc.getMap<Y.Map<unknown>>('customers')
  const ids = [...customers.keys()].slice(round * OFFLINE_EDITS, (round + 1) * OFFLINE_EDITS)
  ids.forEach((id, i) => customers.get(id)!.set('phone', `+4930${String(5_000_000 + round * 1000 + i)}`))
  const again = await DocClient.connect({ target, book, doc, ack: target.kind === 'ours' })
  await settle(target.kind, again)
  const reconnect = again.bytes()
  await again.close()
  // The edits must have reached the server (and through it the other client).
  const last = ids.at(-1)!
  const expected = doc.getMap<Y.Map<unknown>>('customers').get(last)!.get('phone')
  const deadline = Date.now() + 5000
  while (holder.doc.getMap<Y.Map<unknown>>('customers').get(last)?.get('phone') !== expected) {
    if (Date.now() > deadline) throw new Error(`${target.kind}: offline edits did not reach the other client`)
    await sleep(10)
  }
  doc.destroy()
  return { fullIn: full.in, fullOut: full.out, reconnectIn: reconnect.in, reconnectOut: reconnect.out }
}

export const runReconnect = async (ctx: BenchContext): Promise<ScenarioReport> => {
  const big = ctx.bigBook()
  const results = new Map<ServerKind, Run[]>()
  for (const kind of BENCH_KINDS) {
    const server = await startServerProcess(kind, { core: ctx.serverCore })
    try {
      const target = await targetOf(server)
      await createBooks(server, target, ['big'])
      const holder = await pushBigBook(target, 'big', big)
      const runs: Run[] = []
      for (let r = 0; r < ctx.repeats; r++) runs.push(await measure(target, 'big', holder, r))
      await holder.close()
      results.set(kind, runs)
      const m = medianOf(runs, (x) => x.reconnectIn + x.reconnectOut)
      ctx.log(`reconnect ${kind}: ${bytes(m)} on reconnect, full ${bytes(medianOf(runs, (x) => x.fullIn + x.fullOut))}`)
    } finally {
      await server.stop()
    }
  }
  const med = (kind: ServerKind, pick: (r: Run) => number) => medianOf(results.get(kind) ?? [], pick)
  const total = (r: Run) => r.reconnectIn + r.reconnectOut
  const fullTotal = (r: Run) => r.fullIn + r.fullOut
  const rows = BENCH_KINDS.map((kind) => [
    SERVER_LABEL[kind],
    bytes(med(kind, (r) => r.reconnectOut)),
    bytes(med(kind, (r) => r.reconnectIn)),
    bytes(med(kind, total)),
    bytes(med(kind, fullTotal)),
    `1/${num(med(kind, fullTotal) / med(kind, total))}`,
    kind === 'ours' ? '–' : ratio(med('ours', total), med(kind, total)),
    String(results.get(kind)?.length ?? 0),
  ])
  const ours = med('ours', total)
  const full = med('ours', fullTotal)
  return {
    id: 3,
    title: `Reconnect: ${OFFLINE_EDITS} offline edits on a ${num(big.customers)}-customer book`,
    method:
      `A client syncs the book from scratch (the "full-state sync" column), disconnects, edits the phone of ${OFFLINE_EDITS} ` +
      `customers offline (one transaction each), and reconnects with the same document. Bytes are read from the TCP ` +
      `socket (HTTP upgrade with its token, WebSocket framing and every frame both ways) until the server has taken the ` +
      `edits (ours: durable ack; Hocuspocus: sync status; y-websocket-server: none) and no frame arrived for ${QUIET_MS} ms. ` +
      `A second client, connected throughout, must receive the edits. The book (${bytes(big.stateBytes)} as one Yjs ` +
      `update) was written by 8 devices. The bench client speaks sync only (no awareness), the same for every server.`,
    tables: [
      {
        columns: ['server', 'reconnect: sent', 'reconnect: received', 'reconnect: total', 'full-state sync', 'reconnect ÷ full', 'ours ÷ this', 'runs'],
        rows,
      },
    ],
    goals: [
      {
        goal: 'reconnect bytes ≤ 1/500 of the full state',
        measured: `${bytes(ours)} vs ${bytes(full)} = 1/${num(full / ours)}`,
        met: metIf(ours * 500 <= full, ours, full),
      },
    ],
    notes: [],
    checks: { reconnectBytes: ours },
  }
}
