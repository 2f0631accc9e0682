// What the stall probes' child processes share (compaction-stall-main.ts,
// dormant-edit-stall-main.ts): the big book stored as a snapshot in a real SQLite file, and a
// 1 ms ticker that records the longest the event loop went without running it.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { encodeIndexParts, UpdateIndex } from '@crm-sync/protocol'
import type { DocStore } from '../../../server/src/store/doc-store'
import { openSqliteDatabase } from '../../../server/src/store/sqlite-database'
import { createSqliteDocStore } from '../../../server/src/store/sqlite-doc-store'

export const PROBE_BOOK = 'big'

/**
 * The book at `statePath` stored as book PROBE_BOOK's snapshot (through seq 1) in `dir`/`file`,
 * with its index beside it as the relay stores a snapshot its worker wrote (room.ts).
 * The process is kept up until `close` (the store's fsyncs and the encoder run on unref'd threads;
 * in the relay its server keeps the process up).
 */
export const storeProbeBook = async (statePath: string, dir: string, file: string): Promise<{ state: Uint8Array; store: DocStore; close: () => Promise<void> }> => {
  const keepAlive = setInterval(() => {}, 1_000)
  const state = new Uint8Array(await readFile(statePath))
  const store = createSqliteDocStore(openSqliteDatabase(join(dir, file)), { closeDatabase: true })
  await store.append(PROBE_BOOK, [{ update: state, userId: 'bench' }])
  await store.compact(PROBE_BOOK, state, 1, encodeIndexParts(UpdateIndex.of(state).parts()))
  return {
    state,
    store,
    close: async () => {
      await store.close()
      clearInterval(keepAlive)
    },
  }
}

/** A 1 ms timer recording the longest gap between its runs since the last `measure`. */
export class LoopGapTicker {
  private longest = 0
  private last = performance.now()
  private readonly timer = setInterval(() => {
    const now = performance.now()
    this.longest = Math.max(this.longest, now - this.last)
    this.last = now
  }, 1)

  /** Runs `work` and returns its time and the longest gap from its start until its end is recorded. */
  async measure(work: () => Promise<void>): Promise<{ gapMs: number; ms: number }> {
    await settle()
    this.longest = 0
    const start = performance.now()
    await work()
    const ms = performance.now() - start
    await settle() // the ticker's run after a stall records it
    return { gapMs: this.longest, ms }
  }

  stop(): void {
    clearInterval(this.timer)
  }
}

const settle = () => new Promise((r) => setTimeout(r, 50))

/** A worker of our server's bundle (the directory its main.mjs is in), as `npm start` runs it. */
export const bundledWorker = (bundleDir: string, name: 'snapshot-encode-worker' | 'book-query-worker'): URL =>
  pathToFileURL(join(bundleDir, `${name}.mjs`))
