// Group commit for the stores (PostgreSQL; SQLite, whose fsync is asynchronous): calls arriving in the same
// tick, or while the previous commit is in flight, are written together by the next commit. One
// commit at a time, so a store's calls are written, and get their seqs, in call order.
import type { StoreError } from './store-error'
import { asStoreError } from './store-gate'

export interface GroupCommitOptions<T, R> {
  /** Writes one batch in one transaction; resolves with one result per item, in order. */
  readonly write: (batch: readonly T[]) => Promise<R[]>
  /** What an item adds to a batch, measured against the bounds. */
  readonly weigh: (item: T) => { readonly entries: number; readonly bytes: number }
  /** A batch takes no more items once it holds this many entries, or this many bytes. */
  readonly maxBatchEntries: number
  readonly maxBatchBytes: number
  /** Names the writer in errors, e.g. 'PostgreSQL DocStore'. */
  readonly name: string
  /** What a failed write becomes for its callers; 'io' (asStoreError) unless the driver knows better. */
  readonly toStoreError?: (cause: unknown, message: string) => StoreError
}

export interface GroupCommitQueue<T, R> {
  /** Resolves once the batch holding `item` committed; rejects with StoreError when it failed. */
  submit(item: T): Promise<R>
  /** Starts writing what is pending now and resolves once nothing is pending or in flight. */
  drain(): Promise<void>
}

interface Waiting<T, R> {
  readonly item: T
  readonly resolve: (result: R) => void
  readonly reject: (error: StoreError) => void
}

interface Batch<T, R> {
  readonly waiting: Waiting<T, R>[]
  entries: number
  bytes: number
}

export function createGroupCommitQueue<T, R>(o: GroupCommitOptions<T, R>): GroupCommitQueue<T, R> {
  /** Batches not yet written, oldest first; only the last one still takes items. */
  const batches: Batch<T, R>[] = []
  let writing: Promise<void> | undefined
  let scheduled: NodeJS.Immediate | undefined

  const isFull = (b: Batch<T, R>) => b.entries >= o.maxBatchEntries || b.bytes >= o.maxBatchBytes

  const writeBatch = async ({ waiting }: Batch<T, R>): Promise<void> => {
    let results: R[]
    try {
      results = await o.write(waiting.map((w) => w.item))
    } catch (cause) {
      const error = (o.toStoreError ?? asStoreError)(cause, `${o.name}: group commit of ${waiting.length} calls failed`)
      for (const w of waiting) w.reject(error)
      return
    }
    waiting.forEach((w, i) => w.resolve(results[i]!))
  }

  const startWriting = (): void => {
    if (scheduled) clearImmediate(scheduled)
    scheduled = undefined
    if (writing || batches.length === 0) return
    writing = (async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) await writeBatch(batch)
    })().finally(() => {
      writing = undefined
      // A batch may have arrived between the loop's last check and this callback.
      startWriting()
    })
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        let open = batches.at(-1)
        if (!open || isFull(open)) batches.push((open = { waiting: [], entries: 0, bytes: 0 }))
        const { entries, bytes } = o.weigh(item)
        open.waiting.push({ item, resolve, reject })
        open.entries += entries
        open.bytes += bytes
        // While a commit is in flight its loop takes this batch next; otherwise wait for the rest
        // of the tick, unless the batch is already full.
        if (writing) return
        if (isFull(open)) startWriting()
        else scheduled ??= setImmediate(startWriting)
      })
    },

    async drain() {
      while (writing || batches.length > 0) {
        startWriting()
        await writing
      }
    },
  }
}
