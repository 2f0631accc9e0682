// The bridge's books inside the relay's own process (the embedded bridge of `npm start`): it works
// on each book's room and its Y.Doc. As a Yjs client of its own process it would keep a second copy
// of every book (≈300 MB for 10,000 customers) and decode every one of its writes twice.
//
// It keeps a lease on every book it follows (the room stays loaded and hears other instances), but
// holds the document awake only while it uses it, and `keepAwakeMs` after: then the room's own
// hibernation applies. It still hears of every change (room-watchers.ts): its observer goes on each
// document the room decodes before anything is applied to it, and what no document event shows (a
// dormant big book's tail, a book loaded again after a failure) is reported through `onUnseen`.
//
// A write goes through the room like any server-side change (broadcast, appended as crm-bridge,
// durable before `flushed` says so). A room dropped after a store failure is let go of at once (the
// bridge keeps no dropped room in memory) and the book taken again on next use; writes it lost are
// never flushed, so the bridge retries them.
import type * as Y from 'yjs'
import type { Room } from '../relay/room'
import type { RoomLease, RoomRegistry } from '../relay/room-registry'
import { BRIDGE_ORIGIN, BRIDGE_USER_ID, observeOthers, withTimeout, type BridgeBooks, type BridgeBooksOptions } from './bridge-books'
import { BridgeError } from './bridge-error'

export interface RelayBooksOptions extends BridgeBooksOptions {
  readonly rooms: RoomRegistry
  /**
   * How long a book stays held awake after the bridge last used it (a busy book does not wake and
   * sleep on every push): BRIDGE_PUSH_MAX_WAIT_MS, so a book being edited stays awake between pushes.
   */
  readonly keepAwakeMs: number
  readonly now?: () => number
}

interface Held {
  readonly lease: RoomLease
  readonly room: Room
  /** Lets go of the awake hold; null while the bridge is not using the book. */
  letGo: (() => void) | null
  lastUsed: number
}

export class RelayBooks implements BridgeBooks {
  private readonly held = new Map<string, Held>()
  private readonly taking = new Map<string, Promise<Held>>()
  /** Books the bridge follows, and whether it took a room of each yet: a room loading after that one may hold changes it never saw. */
  private readonly followed = new Map<string, boolean>()
  /** The observer on each document, weakly: a document the room dropped must not stay in memory for it. */
  private readonly observers = new WeakMap<Y.Doc, () => void>()
  /** Rooms the bridge wrote to since the book was last asked whether it is flushed. */
  private readonly unflushed = new Map<string, Set<Room>>()
  /** Books with such a room dropped meanwhile: what it had not stored is lost, so they are not flushed. */
  private readonly lostWrites = new Set<string>()
  private readonly unwatch: () => void
  private readonly sweep: NodeJS.Timeout
  private readonly now: () => number
  private closed = false

  constructor(private readonly o: RelayBooksOptions) {
    this.now = o.now ?? Date.now
    this.unwatch = o.rooms.watch({
      loaded: (room) => this.onLoaded(room),
      woke: (room, doc) => {
        if (!this.followed.has(room.bookId)) return
        this.observe(room.bookId, doc)
        o.onWoke?.(room.bookId)
      },
      tookDormant: (room) => {
        if (this.followed.has(room.bookId) && !this.closed) o.onUnseen(room.bookId)
      },
      dropped: (room) => this.onDropped(room),
    })
    this.sweep = setInterval(() => this.letGoIdle(), Math.max(o.keepAwakeMs, 250))
    this.sweep.unref()
  }

  async open(bookId: string): Promise<void> {
    await this.hold(bookId)
  }

  async doc(bookId: string): Promise<Y.Doc> {
    const h = await this.use(bookId)
    const doc = h.room.doc
    // The room's watchers put the observer on a document it woke for; one it loaded awake for
    // another user before the bridge took it is observed here.
    this.observe(bookId, doc)
    return doc
  }

  peek(bookId: string): Y.Doc | null {
    return this.followed.has(bookId) ? (this.o.rooms.peek(bookId)?.liveDoc ?? null) : null
  }

  async write(bookId: string, change: (doc: Y.Doc) => void): Promise<void> {
    const { room } = await this.use(bookId)
    this.observe(bookId, room.doc)
    const rooms = this.unflushed.get(bookId) ?? new Set<Room>()
    this.unflushed.set(bookId, rooms.add(room))
    room.write(BRIDGE_USER_ID, BRIDGE_ORIGIN, change)
  }

  async flushed(bookId: string, timeoutMs: number): Promise<boolean> {
    const h = this.held.get(bookId)
    const rooms = new Set(this.unflushed.get(bookId))
    this.unflushed.delete(bookId)
    if (this.lostWrites.delete(bookId)) return false
    if (h) rooms.add(h.room)
    if (rooms.size === 0) return false
    // A room dropped since the write lost what it had not stored: never flushed (the bridge retries).
    try {
      await withTimeout(Promise.all([...rooms].map((r) => r.whenDurable())), timeoutMs, 'book write not durable')
      return [...rooms].every((r) => !r.isFailed)
    } catch {
      return false
    }
  }

  /** Lets go of the books the bridge has not used for `keepAwakeMs` (on a timer; tests call it). */
  letGoIdle(): void {
    const now = this.now()
    for (const h of this.held.values()) {
      if (h.letGo && now - h.lastUsed >= this.o.keepAwakeMs) {
        h.letGo()
        h.letGo = null
      }
    }
  }

  /** Whether the bridge holds the book awake now (tests). */
  holdsAwake(bookId: string): boolean {
    return this.held.get(bookId)?.letGo != null
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.sweep)
    this.unwatch()
    await Promise.allSettled([...this.taking.values()])
    for (const bookId of this.followed.keys()) {
      const doc = this.o.rooms.peek(bookId)?.liveDoc
      if (doc) this.observers.get(doc)?.()
    }
    for (const [bookId, h] of this.held) this.drop(bookId, h)
  }

  /** The book held awake for the bridge's use from now until `keepAwakeMs` after. */
  private async use(bookId: string): Promise<Held> {
    const h = await this.hold(bookId)
    h.letGo ??= h.room.holdAwake()
    h.lastUsed = this.now()
    return h
  }

  /** The book's room, taken (once) and still the one the relay serves the book from. */
  private hold(bookId: string): Promise<Held> {
    const h = this.held.get(bookId)
    if (h && !h.room.isFailed && this.o.rooms.peek(bookId) === h.room) return Promise.resolve(h)
    if (h) {
      this.o.log.warn({ bookId }, 'bridge taking the book again after its room failed')
      this.drop(bookId, h)
    }
    const pending = this.taking.get(bookId)
    if (pending) return pending
    const p = this.take(bookId).finally(() => this.taking.delete(bookId))
    this.taking.set(bookId, p)
    return p
  }

  private async take(bookId: string): Promise<Held> {
    if (this.closed) throw new BridgeError('stopped', 'bridge books closed')
    // Followed before the room loads: the watchers then observe a document it loads awake.
    if (!this.followed.has(bookId)) this.followed.set(bookId, false)
    const lease = await this.o.rooms.acquire(bookId)
    if (this.closed) {
      lease.release()
      throw new BridgeError('stopped', 'bridge books closed')
    }
    const room = lease.room
    this.followed.set(bookId, true)
    const live = room.liveDoc
    if (live) this.observe(bookId, live)
    const held: Held = { lease, room, letGo: null, lastUsed: this.now() }
    this.held.set(bookId, held)
    this.o.log.info({ bookId }, 'bridge opened book (in process)')
    return held
  }

  /** A followed book's room loaded: observe it; one loaded again after the bridge's was dropped may hold changes it never saw. */
  private onLoaded(room: Room): void {
    const bookId = room.bookId
    if (!this.followed.has(bookId)) return
    const live = room.liveDoc
    if (live) this.observe(bookId, live)
    if (this.followed.get(bookId) === true && !this.closed) this.o.onUnseen(bookId)
  }

  /** A room left memory (evicted after a failure, as the bridge holds a lease): let go of it and of the writes it had not stored. */
  private onDropped(room: Room): void {
    const bookId = room.bookId
    if (this.unflushed.get(bookId)?.delete(room)) this.lostWrites.add(bookId)
    const h = this.held.get(bookId)
    if (h?.room !== room) return
    this.o.log.warn({ bookId }, 'bridge let go of a dropped room; it takes the book again on next use')
    this.drop(bookId, h)
  }

  private observe(bookId: string, doc: Y.Doc): void {
    if (this.observers.has(doc) || this.closed) return
    this.observers.set(doc, observeOthers(bookId, doc, this.o))
  }

  private drop(bookId: string, h: Held): void {
    if (this.held.get(bookId) === h) this.held.delete(bookId)
    h.letGo?.()
    h.letGo = null
    h.lease.release()
  }
}
