// Scenario 4, cold sync: a new device opens a 10,000-customer book. How long until the book is
// usable, and how many bytes, compared with downloading and parsing the same customers as JSON?
import { gzipSync } from 'node:zlib'
import { readCustomers } from '@crm-sync/model'
import { createMemoryStore, openBook } from '@crm-sync/sync-client'
import WebSocket from 'ws'
import type * as Y from 'yjs'
import { pushBigBook } from '../lib/big-book'
import type { BenchContext } from '../lib/context'
import { DocClient } from '../lib/doc-client'
import { connectLight, type LightClient } from '../lib/light-client'
import { createBooks, targetOf } from '../lib/our-api'
import { bytes, metIf, ms, num, ratio, type ScenarioReport } from '../lib/report'
import { BENCH_KINDS, SERVER_LABEL, startServerProcess, type ServerKind, type ServerProcess } from '../lib/server-process'
import { medianOf } from '../lib/stats'
import type { Target } from '../lib/wire'

interface SyncRun {
  /** Connect → sync step 2 applied (the Y.Doc holds every customer). */
  readonly usableMs: number
  /** Then reading every customer out as plain objects (what a list view does first). */
  readonly readAllMs: number
  /** Connect → the step 2 frame fully received (server encode + transfer), and applying it in the client. */
  readonly arrivedMs: number
  readonly applyMs: number
  readonly bytesIn: number
  readonly bytesOut: number
}

interface RestRun {
  /** fetch → body read → JSON.parse. */
  readonly ms: number
  readonly bodyBytes: number
  readonly gzipBytes: number
  readonly contentEncoding: string
}

const coldSync = async (target: Target, book: string, customers: number): Promise<SyncRun> => {
  const started = performance.now()
  const client = await DocClient.connect({ target, book })
  await client.synced
  const usableMs = performance.now() - started
  const count = client.doc.getMap<Y.Map<unknown>>('customers').size
  if (count !== customers) throw new Error(`${target.kind}: cold sync got ${count} of ${customers} customers`)
  const t = performance.now()
  readCustomers(client.doc)
  const readAllMs = performance.now() - t
  const { in: bytesIn, out: bytesOut } = client.bytes()
  await client.close()
  client.doc.destroy()
  return { usableMs, readAllMs, bytesIn, bytesOut, arrivedMs: client.firstStep2At - started, applyMs: client.firstStep2ApplyMs }
}

interface DeviceRun {
  /**
   * openBook → whenReadable: the relay's customer list fetched, checked and offered ('projection'),
   * or the document synced first ('document': a small book's sync can beat the fetch).
   */
  readonly listMs: number
  readonly from: string
  /** openBook → whenDocument: the first sync applied, the Y.Doc holds every customer. */
  readonly documentMs: number
}

/**
 * The client engine on a fresh device (nothing stored), as the web app opens a book: the relay's
 * JSON list is fetched and shown (read-only) first, then the document syncs.
 */
const freshDevice = async (server: ServerProcess, target: Target, book: string, customers: number): Promise<DeviceRun> => {
  const started = performance.now()
  const handle = openBook({
    serverUrl: `${server.httpUrl.replace(/^http/, 'ws')}/sync`,
    bookId: book,
    getToken: async () => target.token ?? '',
    store: createMemoryStore(),
    WebSocketPolyfill: WebSocket,
    crossTabChannel: false,
    serverProjection: { httpUrl: server.httpUrl },
  })
  try {
    const from = await handle.whenReadable
    const listMs = performance.now() - started
    const listed = from === 'projection' ? (handle.projection?.customers.length ?? 0) : handle.doc.getMap('customers').size
    if (listed !== customers) throw new Error(`fresh device: whenReadable '${from}' with ${listed} of ${customers} customers`)
    await handle.whenDocument
    const documentMs = performance.now() - started
    const count = handle.doc.getMap('customers').size
    if (count !== customers) throw new Error(`fresh device: the document holds ${count} of ${customers} customers`)
    return { listMs, documentMs, from }
  } finally {
    await handle.close()
    handle.doc.destroy()
  }
}

const restDownload = async (server: ServerProcess, target: Target, book: string, customers: number): Promise<RestRun> => {
  const started = performance.now()
  const res = await fetch(`${server.httpUrl}/api/books/${book}/customers`, {
    headers: { authorization: `Bearer ${target.token}`, 'accept-encoding': 'gzip' },
  })
  const body = await res.text()
  const parsed = JSON.parse(body) as { customers: unknown[] }
  const elapsed = performance.now() - started
  if (parsed.customers.length !== customers) throw new Error(`REST returned ${parsed.customers.length} of ${customers} customers`)
  return {
    ms: elapsed,
    bodyBytes: Buffer.byteLength(body),
    gzipBytes: gzipSync(body).length,
    contentEncoding: res.headers.get('content-encoding') ?? 'identity',
  }
}

export const runColdSync = async (ctx: BenchContext): Promise<ScenarioReport> => {
  const big = ctx.bigBook()
  const sync = new Map<ServerKind, SyncRun[]>()
  const rest: RestRun[] = []
  const device: DeviceRun[] = []
  // Every server runs for the whole scenario and the counted syncs take turns (round r starts
  // with server r), so no server is measured only while this process's heap is still growing:
  // the first few 16 MiB syncs in a process apply ≈40 % slower than later ones, whichever server.
  const running: { kind: ServerKind; server: ServerProcess; target: Target; holder: LightClient | null }[] = []
  try {
    for (const kind of BENCH_KINDS) {
      // Ours with the book kept awake: a dormant big book's list is read on a worker, and identical
      // lists of one state are shared for 30 s (server/README, "Dormant books"); the REST rows
      // measure the endpoint's steady cost, whatever the scenario's length.
      const server = await startServerProcess(kind, { core: ctx.serverCore, ...(kind === 'ours' ? { env: { BOOK_HIBERNATE_MS: '0' } } : {}) })
      const entry = { kind, server, target: await targetOf(server), holder: null as LightClient | null }
      running.push(entry)
      await createBooks(server, entry.target, ['big'])
      // A client without a document keeps the book loaded (Hocuspocus forgets a document without
      // connections); the writer's Y.Doc is dropped, so the measured client's process does not hold
      // another ~300 MB copy of the book that every garbage collection would have to trace.
      const writer = await pushBigBook(entry.target, 'big', big)
      entry.holder = await connectLight(entry.target, 'big')
      await writer.close()
      writer.doc.destroy()
    }
    for (const { target } of running) await coldSync(target, 'big', big.customers) // warm-up, not counted
    for (let round = 0; round < ctx.repeats; round++) {
      for (let i = 0; i < running.length; i++) {
        const { kind, server, target } = running[(round + i) % running.length]!
        sync.set(kind, [...(sync.get(kind) ?? []), await coldSync(target, 'big', big.customers)])
        if (kind === 'ours') {
          rest.push(await restDownload(server, target, 'big', big.customers))
          device.push(await freshDevice(server, target, 'big', big.customers))
        }
      }
    }
    for (const { kind } of running) ctx.log(`cold sync ${kind}: usable after ${ms(medianOf(sync.get(kind)!, (x) => x.usableMs))} ms`)
  } finally {
    for (const { holder, server } of running) {
      holder?.close()
      await server.stop()
    }
  }
  const med = (kind: ServerKind, pick: (r: SyncRun) => number) => medianOf(sync.get(kind) ?? [], pick)
  const restMs = medianOf(rest, (r) => r.ms)
  const restBytes = medianOf(rest, (r) => r.bodyBytes)
  const restGzip = medianOf(rest, (r) => r.gzipBytes)
  const oursMs = med('ours', (r) => r.usableMs)
  const deviceListMs = medianOf(device, (r) => r.listMs)
  const deviceDocMs = medianOf(device, (r) => r.documentMs)
  const rows = [
    ...BENCH_KINDS.map((kind) => [
      `WebSocket sync, ${SERVER_LABEL[kind]}`,
      ms(med(kind, (r) => r.usableMs)),
      `${ms(med(kind, (r) => r.arrivedMs))} + ${ms(med(kind, (r) => r.applyMs))}`,
      ms(med(kind, (r) => r.usableMs + r.readAllMs)),
      bytes(med(kind, (r) => r.bytesIn)),
      bytes(med(kind, (r) => r.bytesOut)),
      ratio(med(kind, (r) => r.usableMs), restMs),
      kind === 'ours' ? '–' : ratio(oursMs, med(kind, (r) => r.usableMs)),
    ]),
    [
      'sync-client on a fresh device (ours): customers listed from the relay\'s JSON, then the document synced',
      ms(deviceListMs),
      `document synced: ${ms(deviceDocMs)} (list from: ${[...new Set(device.map((r) => r.from))].join(', ')})`,
      '–',
      'both of the above',
      '–',
      ratio(deviceListMs, restMs),
      '–',
    ],
    [
      `REST JSON \`GET /api/books/:id/customers\` (ours), served as ${rest[0]?.contentEncoding ?? '?'}`,
      ms(restMs),
      '–',
      ms(restMs),
      `${bytes(restBytes)} of JSON (gzip: ${bytes(restGzip)})`,
      '–',
      '1.00×',
      '–',
    ],
  ]
  return {
    id: 4,
    title: `Cold sync: a fresh client and a ${num(big.customers)}-customer book`,
    method:
      'A client with an empty Y.Doc connects and syncs; "usable" is when the server\'s sync step 2 has been applied (every ' +
      'customer is in the document); the next column adds reading every customer out as plain objects (readCustomers). ' +
      'Bytes from the TCP socket. The REST reference downloads the same customers from our JSON endpoint and parses them ' +
      '(fetch → text → JSON.parse), on loopback, in the same runs. Every server runs throughout and the counted syncs take turns (round r starts with the r-th server); one warm-up sync per server is not counted; another ' +
      'client (holding no document in this process) keeps the book loaded in every server. "sync-client on a fresh ' +
      'device" is our client engine as the web app opens a book it has never stored (`openBook` with a memory store and ' +
      '`serverProjection`): it fetches the relay\'s JSON list (checked against the customer schema), offers it read-only ' +
      '(whenReadable → \'projection\'), then syncs the document over the WebSocket; editing waits for it (whenDocument).',
    tables: [
      {
        columns: ['how', 'usable ms', '= step 2 received + applied', '+ read all ms', 'bytes received', 'bytes sent', '÷ REST', 'ours ÷ this'],
        rows,
      },
    ],
    goals: [
      {
        goal: 'cold sync ≤ 2× the REST JSON download and parse',
        measured: `${ms(oursMs)} ms vs ${ms(restMs)} ms = ${ratio(oursMs, restMs)}`,
        met: metIf(oursMs <= 2 * restMs, oursMs, restMs),
      },
      {
        goal: 'cold sync ≤ 2× the REST JSON download and parse: a fresh device\'s customer list (read-only until the document has synced)',
        measured: `${ms(deviceListMs)} ms vs ${ms(restMs)} ms = ${ratio(deviceListMs, restMs)}; editable (document synced) after ${ms(deviceDocMs)} ms`,
        met: metIf(deviceListMs <= 2 * restMs, deviceListMs, restMs),
      },
    ],
    notes: [
      rest[0]?.contentEncoding === 'gzip'
        ? `Our server sent the JSON gzip-compressed (the request accepts gzip; fetch decompresses), so the REST time ` +
          `includes compressing and decompressing; ${bytes(restGzip)} is zlib level 6 on the same JSON, computed here.`
        : `Our server sent the JSON uncompressed; with gzip a deployment would send ${bytes(restGzip)} instead of ` +
          `${bytes(restBytes)} (zlib level 6 on the same body, computed here). On loopback the uncompressed download ` +
          `is the faster one, so the REST time above is the stricter reference.`,
    ],
  }
}
