// The path from an update a room accepted to a durable one. Every accepted update gets the next
// number; the updates of one burst go to the store in one append (one call per room per task)
// and become durable in number order. Waiting is by number: a connection's acks through
// watchers (nothing allocated per frame), change() and whenDurable() through promises.
import type { AppendEntry, StoredUpdate } from '../store/doc-store'

/** Told, in order, how far appends are durable; returns whether it still waits for more. */
export interface DurableWatcher {
  durableThrough(appended: number): boolean
}

export interface RoomAppendsOptions {
  /** One store append for a burst of entries; resolves with them stored, in order. */
  readonly append: (entries: readonly AppendEntry[]) => Promise<StoredUpdate[]>
  /** Each entry once durable, in order, before anyone waiting on it hears of it. */
  readonly stored: (entry: StoredUpdate) => void
  /** After each batch: how many entries, and how long the append took (ms). */
  readonly written: (entries: number, ms: number) => void
  /** The first failed append: nothing after it becomes durable here. */
  readonly failed: (error: unknown) => void
}

interface Waiter {
  readonly upTo: number
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

export class RoomAppends {
  /** Updates accepted so far; the number of the latest. */
  private started = 0
  /** Every update up to this number is durable. */
  private durable = 0
  private unsaved: AppendEntry[] = []
  private unsavedCallbacks: (((stored: StoredUpdate) => void) | undefined)[] = []
  private flushQueued = false
  /** The previous batch's outcome handled: batches are reported in order whatever the store does. */
  private reported: Promise<void> = Promise.resolve()
  /** Sorted by upTo: numbers are handed out in increasing order. */
  private readonly waiters: Waiter[] = []
  private readonly watchers = new Set<DurableWatcher>()
  private failure: { error: unknown } | null = null

  constructor(private readonly o: RoomAppendsOptions) {}

  /** The number of the latest accepted update: durable once `durableThrough` reaches it. */
  get latest(): number {
    return this.started
  }

  get durableThrough(): number {
    return this.durable
  }

  /** Nothing accepted is waiting to become durable. */
  get idle(): boolean {
    return this.durable === this.started
  }

  get isFailed(): boolean {
    return this.failure !== null
  }

  /**
   * Accepts an update for the store and returns its number. After a failure nothing is written:
   * the number never becomes durable (the room is being dropped; clients resend).
   */
  add(entry: AppendEntry, onStored?: (stored: StoredUpdate) => void): number {
    this.started += 1
    if (this.failure) return this.started
    this.unsaved.push(entry)
    this.unsavedCallbacks.push(onStored)
    if (!this.flushQueued) {
      this.flushQueued = true
      queueMicrotask(this.flush)
    }
    return this.started
  }

  /** Resolves once update `upTo` and all before it are durable; rejects if an append failed. */
  whenThrough(upTo: number): Promise<void> {
    if (upTo <= this.durable) return Promise.resolve()
    if (this.failure) return Promise.reject(this.failure.error)
    return new Promise<void>((resolve, reject) => this.waiters.push({ upTo, resolve, reject }))
  }

  /** Resolves once everything accepted so far is durable or has failed; never rejects. */
  settled(): Promise<void> {
    return this.whenThrough(this.started).catch(() => {})
  }

  /** `watcher` hears of every advance until it says it no longer waits (or an append fails). */
  watch(watcher: DurableWatcher): void {
    if (!this.failure) this.watchers.add(watcher)
  }

  unwatch(watcher: DurableWatcher): void {
    this.watchers.delete(watcher)
  }

  private readonly flush = (): void => {
    this.flushQueued = false
    const entries = this.unsaved
    const callbacks = this.unsavedCallbacks
    this.unsaved = []
    this.unsavedCallbacks = []
    if (entries.length === 0 || this.failure) return
    const last = this.started
    const began = performance.now()
    let write: Promise<StoredUpdate[]>
    try {
      write = this.o.append(entries)
    } catch (error) {
      write = Promise.reject(error)
    }
    this.reported = this.reported.then(
      () => write.then(
        (stored) => this.advance(stored, callbacks, last, began),
        (error: unknown) => this.fail(error),
      ),
    )
  }

  private advance(
    stored: readonly StoredUpdate[],
    callbacks: readonly (((s: StoredUpdate) => void) | undefined)[],
    last: number,
    began: number,
  ): void {
    if (this.failure) return
    if (stored.length !== callbacks.length) return this.fail(new Error(`store returned ${stored.length} entries for ${callbacks.length}`))
    this.o.written(stored.length, performance.now() - began)
    for (let i = 0; i < stored.length; i++) {
      this.o.stored(stored[i]!)
      callbacks[i]?.(stored[i]!)
    }
    this.durable = last
    while (this.waiters.length > 0 && this.waiters[0]!.upTo <= last) this.waiters.shift()!.resolve()
    for (const watcher of this.watchers) if (!watcher.durableThrough(last)) this.watchers.delete(watcher)
  }

  private fail(error: unknown): void {
    if (this.failure) return
    this.failure = { error }
    this.watchers.clear()
    for (const waiter of this.waiters.splice(0)) waiter.reject(error)
    this.o.failed(error)
  }
}
