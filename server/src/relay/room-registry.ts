// Keeps each book loaded at most once per process: the first user loads it from the store,
// everyone waiting gets the same room, and it unloads a grace period after its last user left
// (its log folded into a snapshot first, so the next load is one read). Rooms left alone for a
// hibernation period drop their decoded document and stay loaded, encoded (see Room).
import type { Logger } from 'pino'
import { createLocalFanOut, type FanOut } from '../fanout/fan-out'
import type { Metrics } from '../metrics'
import type { DocStore } from '../store/doc-store'
import type { CompactionPolicy } from './compaction-policy'
import { BookLoadFailures } from './book-load-failures'
import { Room, type RoomOptions } from './room'
import { OFFLOAD_ENCODE_FROM_BYTES, type SnapshotEncoder } from './snapshot-encoder'
import { RoomWatchers, type RoomWatcher } from './room-watchers'

export interface RoomLease {
  readonly room: Room
  release(): void
}

export interface RoomRegistryOptions {
  readonly store: DocStore
  readonly metrics: Metrics
  readonly log: Logger
  readonly unloadGraceMs: number
  /** When a room folds its log into a snapshot (compaction-policy.ts). */
  readonly compaction: CompactionPolicy
  /** Rooms whose document nobody used for between one and two of these (ms) go dormant; 0 never. */
  readonly hibernateAfterMs?: number
  /** See RoomOptions.logRetentionMs. */
  readonly logRetentionMs?: number | null
  /** See RoomOptions.pruneBatch. */
  readonly pruneBatch?: number
  /** See RoomOptions.snapshotEncoder; none by default. The registry closes it when it closes. */
  readonly snapshotEncoder?: SnapshotEncoder | null
  /** See RoomOptions.offloadEncodeFromBytes (OFFLOAD_ENCODE_FROM_BYTES by default). */
  readonly offloadEncodeFromBytes?: number
  /** Sharing with other relay instances; none by default. */
  readonly fanOut?: FanOut
  /** Told when a room is dropped because its store failed (with why), so connections can be closed. */
  readonly onRoomFailed?: (room: Room, error: unknown) => void
  /** Told when a room has loaded (e.g. to subscribe to other instances). */
  readonly onRoomLoaded?: (room: Room) => void
  readonly onRoomUnloaded?: (room: Room) => void
}

interface Entry {
  /** Until the room has loaded (then null: one promise less per open book). */
  loading: Promise<Room> | null
  room: Room | null
  users: number
  unloadTimer: NodeJS.Timeout | null
  unloading: Promise<void> | null
}

export class RoomRegistry {
  private readonly entries = new Map<string, Entry>()
  private closed = false
  private readonly fanOut: FanOut
  private readonly hibernation: NodeJS.Timeout | null = null
  private readonly watchers: RoomWatchers
  /** Failed loads counted, and books that keep failing reported. */
  readonly loadFailures: BookLoadFailures

  /** One object for every room (not a copy per book: idle memory per book). */
  private readonly roomOptions: RoomOptions

  constructor(private readonly o: RoomRegistryOptions) {
    this.fanOut = o.fanOut ?? createLocalFanOut()
    this.watchers = new RoomWatchers(o.log)
    this.loadFailures = new BookLoadFailures({ metrics: o.metrics, log: o.log })
    this.roomOptions = {
      store: o.store,
      metrics: o.metrics,
      log: o.log,
      compaction: o.compaction,
      logRetentionMs: o.logRetentionMs ?? null,
      pruneBatch: o.pruneBatch,
      snapshotEncoder: o.snapshotEncoder ?? null,
      offloadEncodeFromBytes: o.offloadEncodeFromBytes ?? OFFLOAD_ENCODE_FROM_BYTES,
      fanOut: this.fanOut,
      onFailure: this.onRoomFailure,
      watchers: this.watchers,
    }
    if (o.hibernateAfterMs) {
      this.hibernation = setInterval(() => this.hibernateIdle(), o.hibernateAfterMs)
      this.hibernation.unref()
    }
  }

  /** Lets every room that nobody used since the last sweep drop its decoded document. */
  hibernateIdle(): void {
    let dormant = 0
    for (const room of this.loadedRooms()) if (room.hibernate()) dormant++
    this.o.metrics.dormantBooks.set(dormant)
  }

  /**
   * Tells `watcher` of rooms loading, waking, taking updates while dormant and leaving memory,
   * until the returned function is called: for a server-side user that follows books it does not
   * hold awake.
   */
  watch(watcher: RoomWatcher): () => void {
    return this.watchers.add(watcher)
  }

  /** Every loaded room (for the fan-out's catch-up sweeps). */
  loadedRooms(): Room[] {
    return [...this.entries.values()].flatMap((e) => (e.room ? [e.room] : []))
  }

  /** The loaded room of a book, if it is in memory now (no lease taken). */
  peek(bookId: string): Room | undefined {
    return this.entries.get(bookId)?.room ?? undefined
  }

  get loadedCount(): number {
    return this.entries.size
  }

  async acquire(bookId: string): Promise<RoomLease> {
    if (this.closed) throw new Error('registry is closed')
    let entry = this.entries.get(bookId)
    while (entry?.unloading) {
      await entry.unloading
      entry = this.entries.get(bookId)
    }
    if (!entry) entry = this.startLoading(bookId)
    entry.users++
    if (entry.unloadTimer) {
      clearTimeout(entry.unloadTimer)
      entry.unloadTimer = null
    }
    let room: Room
    try {
      room = entry.room ?? (await entry.loading!)
    } catch (e) {
      entry.users--
      throw e
    }
    return new Lease(room, this, bookId, entry)
  }

  /** Drops a failed room at once; its users must reconnect and will get a freshly loaded one. */
  evict(room: Room): void {
    const entry = this.entries.get(room.bookId)
    if (entry?.room !== room) return
    this.entries.delete(room.bookId)
    if (entry.unloadTimer) clearTimeout(entry.unloadTimer)
    this.o.metrics.loadedBooks.set(this.entries.size)
    this.fanOut.detach(room)
    this.o.onRoomUnloaded?.(room)
    room.destroy()
    this.watchers.dropped(room)
  }

  /** Waits until every loaded room's accepted updates are durable. */
  async flushAll(): Promise<void> {
    await Promise.allSettled([...this.entries.values()].map(async (e) => (await this.loaded(e))?.flush()))
  }

  /** Flushes and unloads every room. */
  async close(): Promise<void> {
    this.closed = true
    if (this.hibernation) clearInterval(this.hibernation)
    await Promise.allSettled([...this.entries.keys()].map((id) => this.unload(id)))
    await this.o.snapshotEncoder?.close()
  }

  /** What a lease calls, once. */
  releaseLease(bookId: string, entry: Entry): void {
    this.release(bookId, entry)
  }

  private readonly onRoomFailure = (room: Room, error: unknown): void => {
    this.o.log.error({ err: error, bookId: room.bookId }, 'book can no longer be trusted (store failed, or applying an update threw part-way); dropping it from memory')
    this.o.onRoomFailed?.(room, error)
    this.evict(room)
  }

  private startLoading(bookId: string): Entry {
    const entry: Entry = { loading: null, room: null, users: 0, unloadTimer: null, unloading: null }
    const started = performance.now()
    entry.loading = Room.load(bookId, this.roomOptions).then(
      (room) => {
        this.loadFailures.loaded(bookId, (performance.now() - started) / 1000)
        entry.room = room
        entry.loading = null
        this.o.metrics.loadedBooks.set(this.entries.size)
        this.fanOut.attach(room)
        this.o.onRoomLoaded?.(room)
        this.watchers.loaded(room)
        return room
      },
      (error: unknown) => {
        this.loadFailures.failed(bookId, error)
        if (this.entries.get(bookId) === entry) this.entries.delete(bookId)
        throw error
      },
    )
    this.entries.set(bookId, entry)
    return entry
  }

  /** The entry's room once loaded; null if loading failed. */
  private async loaded(entry: Entry): Promise<Room | null> {
    return entry.room ?? (await entry.loading?.catch(() => null)) ?? null
  }

  private release(bookId: string, entry: Entry): void {
    entry.users--
    if (entry.users > 0 || this.entries.get(bookId) !== entry) return
    if (this.o.unloadGraceMs === 0) {
      void this.unload(bookId)
      return
    }
    entry.unloadTimer = setTimeout(() => void this.unload(bookId), this.o.unloadGraceMs)
    entry.unloadTimer.unref()
  }

  private unload(bookId: string): Promise<void> {
    const entry = this.entries.get(bookId)
    if (!entry) return Promise.resolve()
    if (entry.unloading) return entry.unloading
    if (entry.unloadTimer) clearTimeout(entry.unloadTimer)
    entry.unloading = (async () => {
      let dropped: Room | null = null
      try {
        const room = await this.loaded(entry)
        if (room) {
          await room.foldLog().catch((error: unknown) => this.o.log.warn({ err: error, bookId }, 'could not fold the log before unloading'))
          // Evicted meanwhile (the final flush failed): evict() tore it down and told the watchers.
          if (this.entries.get(bookId) === entry) {
            dropped = room
            this.fanOut.detach(room)
            this.o.onRoomUnloaded?.(room)
            room.destroy()
          }
        }
      } finally {
        if (this.entries.get(bookId) === entry) this.entries.delete(bookId)
        this.o.metrics.loadedBooks.set(this.entries.size)
        this.o.log.debug({ bookId }, 'book unloaded')
        if (dropped) this.watchers.dropped(dropped)
      }
    })()
    return entry.unloading
  }
}

/** A user's hold on a loaded room: an object, not a closure, since every connection keeps one. */
class Lease implements RoomLease {
  private released = false
  constructor(
    readonly room: Room,
    private readonly registry: RoomRegistry,
    private readonly bookId: string,
    private readonly entry: Entry,
  ) {}

  release(): void {
    if (this.released) return
    this.released = true
    this.registry.releaseLease(this.bookId, this.entry)
  }
}
