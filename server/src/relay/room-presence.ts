// Presence in one book: who is here (a y-protocols Awareness) and which connection owns which
// awareness client id. Both are made on first use: most books of a busy server never see
// presence, and an Awareness brings a Y.Doc and a 3 s timer with it.
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { PresenceOwnership } from './presence'

/** Told of every change to the book's presence, with the encoded change and its origin. */
export interface PresenceListener {
  presenceChanged(update: Uint8Array, origin: unknown): void
}

export class RoomPresence implements PresenceOwnership {
  private ownerMap: Map<number, object> | null = null
  private state: awarenessProtocol.Awareness | null = null
  private onUpdate: ((change: AwarenessChange, origin: unknown) => void) | null = null

  constructor(private readonly listener: PresenceListener) {}

  /** Owner (a connection) of each awareness client id in the book. */
  get owners(): Map<number, object> {
    return (this.ownerMap ??= new Map())
  }

  /** The book's Awareness; created (with its timer) on first use. */
  get awareness(): awarenessProtocol.Awareness {
    return (this.state ??= this.createAwareness())
  }

  /** Awareness client ids with a state now, without creating presence for a book that has none. */
  clientIds(): number[] {
    return this.state ? [...this.state.getStates().keys()] : []
  }

  destroy(): void {
    const awareness = this.state
    if (!awareness) return
    awareness.off('update', this.onUpdate!)
    awareness.destroy()
    awareness.doc.destroy()
    this.state = null
  }

  private createAwareness(): awarenessProtocol.Awareness {
    // Its own small doc: the Awareness is tied to its doc's lifetime, and the book's doc comes and goes.
    const awareness = new awarenessProtocol.Awareness(new Y.Doc())
    awareness.setLocalState(null)
    awareness.on('update', (this.onUpdate ??= (change, origin) => this.changed(change, origin)))
    return awareness
  }

  private changed({ added, updated, removed }: AwarenessChange, origin: unknown): void {
    const changed = [...added, ...updated, ...removed]
    if (changed.length > 0) this.listener.presenceChanged(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed), origin)
  }
}

interface AwarenessChange {
  added: number[]
  updated: number[]
  removed: number[]
}
