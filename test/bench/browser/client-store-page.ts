// Runs inside Chromium for scenario 6: the real client engine (openBook on IndexedDB, no relay)
// timed from the page itself, and the app's customer list index (client/src/book) for "the list
// is usable". Bundled by scenarios/client-store.ts; exposes `window.clientBench`.
import { createIndexedDbStore, foldUpdates, openBook, type BookHandle, type LocalStore, type OpenBookOptions } from '@crm-sync/sync-client'
import * as Y from 'yjs'
import { CustomerIndex } from '../../../client/src/book/customer-index'
import { DEFAULT_QUERY } from '../../../client/src/lib/customer-query'
import { createLastChangeStore } from '../../../client/src/lib/last-change-store'

const BOOK = 'bench-big'

/** One LocalStore write, timed from the call until its transaction completed. */
interface WriteSample {
  readonly ms: number
  readonly updates: number
  /** Customers the write put into the projection (-1: no projection change in it). */
  readonly projectionPut: number
  readonly replace: boolean
}

const base = createIndexedDbStore()
let writes: WriteSample[] = []
const store: LocalStore = {
  ...base,
  async write(bookId, batch) {
    const t = performance.now()
    const result = await base.write(bookId, batch)
    writes.push({
      ms: performance.now() - t,
      updates: batch.updates.length,
      projectionPut: batch.projection ? batch.projection.put.length : -1,
      replace: batch.projection?.replace ?? false,
    })
    return result
  },
}

const open = (opts: Partial<OpenBookOptions> = {}): BookHandle =>
  openBook({ serverUrl: 'ws://127.0.0.1:9/sync', bookId: BOOK, getToken: async () => 'none', connect: false, store, userId: 'alice', ...opts })

/** Yields to the event loop without the 4 ms clamp of nested setTimeout. */
const yieldNow = (): Promise<void> =>
  new Promise((resolve) => {
    const ch = new MessageChannel()
    ch.port1.onmessage = () => resolve()
    ch.port2.postMessage(null)
  })

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN
}

const clientBench = {
  /**
   * Stores the book as a synced client holds it: its state as one row (what a cold sync writes),
   * then opens and closes it once, which writes the whole projection (as the app does about a
   * second after that sync). Times that close: reading 10,000 customers out of the doc + writing.
   */
  async prepare(url: string): Promise<{ stateBytes: number; projectionWriteMs: number; closeMs: number; projectionCustomers: number }> {
    await store.deleteBook(BOOK)
    const state = new Uint8Array(await (await fetch(url)).arrayBuffer())
    await store.write(BOOK, { updates: [state], pending: [], acknowledged: [] })
    const book = open({ projectionMs: 60_000 })
    await book.whenLoaded
    writes = []
    const t = performance.now()
    await book.close()
    const closeMs = performance.now() - t
    const full = writes.find((w) => w.replace)
    return { stateBytes: state.length, projectionWriteMs: full?.ms ?? Number.NaN, closeMs, projectionCustomers: full?.projectionPut ?? 0 }
  },

  /** open → whenLoaded (the document holds every customer), then the first list read. */
  async load(): Promise<{ loadMs: number; listMs: number; customers: number }> {
    const t0 = performance.now()
    const book = open()
    await book.whenLoaded
    const loadMs = performance.now() - t0
    const customers = book.doc.getMap('customers').size
    const t1 = performance.now()
    book.customers.list()
    const listMs = performance.now() - t1
    await book.close()
    return { loadMs, listMs, customers }
  },

  /**
   * What a rep sees on starting the app: open → whenReadable (the projection read) → the app's
   * list index built from it and its first sorted page of rows → one search; then, in the same
   * run, how long until the document has loaded (the page is busy applying it meanwhile).
   */
  async listFromProjection(): Promise<{
    from: string; readableMs: number; listMs: number; searchMs: number; loadedMs: number; customers: number; matches: number
  }> {
    const t0 = performance.now()
    const book = open()
    const from = await book.whenReadable
    const readableMs = performance.now() - t0
    const index = new CustomerIndex(book.doc, createLastChangeStore(BOOK, null))
    index.showProjection(book.projection?.customers ?? [])
    const rows = index.query(DEFAULT_QUERY)
    const listMs = performance.now() - t0
    const t1 = performance.now()
    const matches = index.query({ ...DEFAULT_QUERY, text: 'gmbh' }).length
    const searchMs = performance.now() - t1
    await book.whenLoaded
    const loadedMs = performance.now() - t0
    index.dispose()
    await book.close()
    return { from, readableMs, listMs, searchMs, loadedMs, customers: rows.length, matches }
  },

  /** Where load and compaction time goes: reading IndexedDB, applying the update, folding rows. */
  async breakdown(): Promise<{ readMs: number; projectionReadMs: number; applyMs: number; foldMs: number; encodeMs: number }> {
    const t0 = performance.now()
    const state = await store.load(BOOK)
    const readMs = performance.now() - t0
    const tp = performance.now()
    await store.readProjection(BOOK)
    const projectionReadMs = performance.now() - tp
    const doc = new Y.Doc()
    const t1 = performance.now()
    doc.transact(() => {
      for (const u of state.updates) Y.applyUpdate(doc, u)
    })
    const applyMs = performance.now() - t1
    const t2 = performance.now()
    Y.encodeStateAsUpdate(doc)
    const encodeMs = performance.now() - t2
    const t3 = performance.now()
    foldUpdates(state.updates) // what each compaction of the stored rows does
    const foldMs = performance.now() - t3
    doc.destroy()
    return { readMs, projectionReadMs, applyMs, foldMs, encodeMs }
  },

  /**
   * Types into one customer's notes, one transaction per keystroke, for `seconds`; then waits for
   * the save. With the projection kept (the default) or not, to show what keeping it costs; the
   * projection writes made meanwhile (default projectionMs, and the one on close) are timed.
   */
  async typing(seconds: number, keepProjection: boolean): Promise<{
    keystrokes: number; perSecond: number; p50: number; p99: number; saveMs: number
    transactions: number; projectionWrites: number; projectionWriteMs: number; markOnlyWriteMs: number
  }> {
    const book = open({ keepProjection })
    await book.whenLoaded
    const id = [...book.doc.getMap<Y.Map<unknown>>('customers').keys()][0]!
    writes = []
    const durations: number[] = []
    const start = performance.now()
    let n = 0
    while (performance.now() - start < seconds * 1000) {
      const t = performance.now()
      book.customers.editNotes(id, n, 0, 'abcdefghij'[n % 10]!)
      durations.push(performance.now() - t)
      n++
      if (n % 5 === 0) await yieldNow()
    }
    const typed = performance.now() - start
    const t1 = performance.now()
    await book.whenSaved()
    const saveMs = performance.now() - t1
    await book.close()
    const rewrites = writes.filter((w) => w.projectionPut > 0 && !w.replace)
    const markOnly = writes.filter((w) => w.projectionPut === 0 && w.updates > 0)
    return {
      keystrokes: n,
      perSecond: n / ((typed + saveMs) / 1000),
      p50: quantile(durations, 0.5),
      p99: quantile(durations, 0.99),
      saveMs,
      transactions: writes.length,
      projectionWrites: rewrites.length,
      projectionWriteMs: quantile(rewrites.map((w) => w.ms), 0.5),
      markOnlyWriteMs: quantile(markOnly.map((w) => w.ms), 0.5),
    }
  },

  /** What the store holds for the book now. */
  stats: () => store.stats(BOOK),

  /** `times` sessions of open → a few keystrokes → close; the stored size after each. */
  async reopen(times: number): Promise<{ rows: number[]; bytes: number[]; usage: number; stateBytes: number }> {
    const rows: number[] = []
    const bytes: number[] = []
    let stateBytes = 0
    for (let i = 0; i < times; i++) {
      const book = open()
      await book.whenLoaded
      const id = [...book.doc.getMap<Y.Map<unknown>>('customers').keys()][1 + i]!
      for (let k = 0; k < 10; k++) book.customers.editNotes(id, k, 0, 'x')
      stateBytes = Y.encodeStateAsUpdate(book.doc).length
      await book.close()
      const s = await store.stats(BOOK)
      rows.push(s.rows)
      bytes.push(s.bytes)
    }
    const usage = (await navigator.storage.estimate()).usage ?? Number.NaN
    return { rows, bytes, usage, stateBytes }
  },
}

;(globalThis as unknown as { clientBench: typeof clientBench }).clientBench = clientBench
export type ClientBench = typeof clientBench
