// Runs inside Chromium for scenario 6: the real client engine (openBook on IndexedDB, no relay)
// timed from the page itself. Bundled by scenarios/client-store.ts; exposes `window.clientBench`.
import { createIndexedDbStore, foldUpdates, openBook, type BookHandle } from '@crm-sync/sync-client'
import * as Y from 'yjs'

const BOOK = 'bench-big'
const store = createIndexedDbStore()

const open = (): BookHandle =>
  openBook({ serverUrl: 'ws://127.0.0.1:9/sync', bookId: BOOK, getToken: async () => 'none', connect: false, store, userId: 'alice' })

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
  /** Stores the book as a synced client holds it: its state as one row (what a cold sync writes). */
  async prepare(url: string): Promise<{ stateBytes: number }> {
    await store.deleteBook(BOOK)
    const state = new Uint8Array(await (await fetch(url)).arrayBuffer())
    await store.write(BOOK, { updates: [{ update: state }], acknowledged: [] })
    return { stateBytes: state.length }
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

  /** Where load and compaction time goes: reading IndexedDB, applying the update, folding rows. */
  async breakdown(): Promise<{ readMs: number; applyMs: number; foldMs: number; encodeMs: number }> {
    const t0 = performance.now()
    const state = await store.load(BOOK)
    const readMs = performance.now() - t0
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
    return { readMs, applyMs, foldMs, encodeMs }
  },

  /** Types into one customer's notes, one transaction per keystroke, for `seconds`; then waits for the save. */
  async typing(seconds: number): Promise<{ keystrokes: number; perSecond: number; p50: number; p99: number; saveMs: number }> {
    const book = open()
    await book.whenLoaded
    const id = [...book.doc.getMap<Y.Map<unknown>>('customers').keys()][0]!
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
    return { keystrokes: n, perSecond: n / ((typed + saveMs) / 1000), p50: quantile(durations, 0.5), p99: quantile(durations, 0.99), saveMs }
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
