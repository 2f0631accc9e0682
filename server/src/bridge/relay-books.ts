// The bridge's books inside the relay's own process (the embedded bridge of `npm start`): it holds
// each book's room (a lease, and the decoded document kept awake) and works on the room's Y.Doc.
// A write goes through the room like any server-side change (broadcast, appended as crm-bridge,
// durable before `flushed` says so). As a Yjs client of its own process it would keep a second
// copy of every book (≈300 MB for 10,000 customers) and decode every one of its writes twice.
// A room dropped after a store failure is taken again on next use; writes it lost are never
// flushed, so the bridge retries them.
import type * as Y from 'yjs'
import type { Room } from '../relay/room'
import type { RoomLease, RoomRegistry } from '../relay/room-registry'
import { BRIDGE_ORIGIN, BRIDGE_USER_ID, observeOthers, withTimeout, type BridgeBooks, type BridgeBooksOptions } from './bridge-books'

export interface RelayBooksOptions extends BridgeBooksOptions {
  readonly rooms: RoomRegistry
}

interface Held {
  readonly lease: RoomLease
  readonly room: Room
  readonly doc: Y.Doc
  /** Lets go of the document (awake hold, change observer). */
  readonly letGo: () => void
}

export class RelayBooks implements BridgeBooks {
  private readonly held = new Map<string, Held>()
  private readonly taking = new Map<string, Promise<Held>>()
  private closed = false

  constructor(private readonly o: RelayBooksOptions) {}

  async open(bookId: string): Promise<void> {
    await this.hold(bookId)
  }

  async doc(bookId: string): Promise<Y.Doc> {
    return (await this.hold(bookId)).doc
  }

  async write(bookId: string, change: (doc: Y.Doc) => void): Promise<void> {
    const { room } = await this.hold(bookId)
    room.write(BRIDGE_USER_ID, BRIDGE_ORIGIN, change)
  }

  async flushed(bookId: string, timeoutMs: number): Promise<boolean> {
    const h = this.held.get(bookId)
    if (!h || h.room.isFailed) return false
    try {
      await withTimeout(h.room.whenDurable(), timeoutMs, 'book write not durable')
      return !h.room.isFailed
    } catch {
      return false
    }
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.allSettled([...this.taking.values()])
    for (const [bookId, h] of this.held) this.drop(bookId, h)
  }

  /** The book's room, taken (once) and still the one the relay serves the book from. */
  private hold(bookId: string): Promise<Held> {
    const h = this.held.get(bookId)
    if (h && !h.room.isFailed && this.o.rooms.peek(bookId) === h.room) return Promise.resolve(h)
    if (h) {
      this.o.log.warn({ bookId }, 'bridge taking the book again after its room was dropped')
      this.drop(bookId, h)
    }
    const pending = this.taking.get(bookId)
    if (pending) return pending
    const p = this.take(bookId).finally(() => this.taking.delete(bookId))
    this.taking.set(bookId, p)
    return p
  }

  private async take(bookId: string): Promise<Held> {
    if (this.closed) throw new Error('bridge books closed')
    const lease = await this.o.rooms.acquire(bookId)
    if (this.closed) {
      lease.release()
      throw new Error('bridge books closed')
    }
    const room = lease.room
    const release = room.holdAwake()
    const doc = room.doc
    const unobserve = observeOthers(bookId, doc, this.o)
    const held: Held = { lease, room, doc, letGo: () => (unobserve(), release()) }
    this.held.set(bookId, held)
    this.o.log.info({ bookId }, 'bridge opened book (in process)')
    return held
  }

  private drop(bookId: string, h: Held): void {
    if (this.held.get(bookId) === h) this.held.delete(bookId)
    h.letGo()
    h.lease.release()
  }
}
