// Lets a server-side user of books (the in-process CRM bridge) follow every change to a book
// without holding its document awake: a dormant room drops its Y.Doc and decodes a new one when it
// wakes, and a dormant big book takes updates into a tail that no document event ever shows. A room
// leaving memory is told too, so that a watcher need not keep it to tell it from the next one.
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import type { Room } from './room'

export interface RoomWatcher {
  /** A room loaded, before anyone got it (so before any update reaches it); `room.liveDoc` if it loaded awake. */
  loaded?(room: Room): void
  /** A dormant room decoded its book into `doc`, before any update is applied to it. */
  woke?(room: Room, doc: Y.Doc): void
  /** A dormant room took an update into its tail without decoding: no document event shows it. */
  tookDormant?(room: Room): void
  /** A room left memory (unloaded, or evicted after a failure): let go of it, a later load is another room. */
  dropped?(room: Room): void
}

/** The registry's watchers, told in turn; a watcher that throws is logged, never thrown into the room. */
export class RoomWatchers implements Required<RoomWatcher> {
  private readonly watchers = new Set<RoomWatcher>()

  constructor(private readonly log: Logger) {}

  add(watcher: RoomWatcher): () => void {
    this.watchers.add(watcher)
    return () => this.watchers.delete(watcher)
  }

  loaded(room: Room): void {
    this.tell(room, (w) => w.loaded?.(room))
  }

  woke(room: Room, doc: Y.Doc): void {
    this.tell(room, (w) => w.woke?.(room, doc))
  }

  tookDormant(room: Room): void {
    this.tell(room, (w) => w.tookDormant?.(room))
  }

  dropped(room: Room): void {
    this.tell(room, (w) => w.dropped?.(room))
  }

  private tell(room: Room, call: (w: RoomWatcher) => void): void {
    for (const w of this.watchers) {
      try {
        call(w)
      } catch (error) {
        this.log.error({ err: error, bookId: room.bookId }, 'a room watcher threw; the room goes on')
      }
    }
  }
}
