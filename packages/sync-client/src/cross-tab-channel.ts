// Sync between tabs of one device over BroadcastChannel, online or not. Tabs share IndexedDB, so
// a tab that opens has almost everything; this carries the rest (edits not yet written) and every
// edit after that, at once. y-websocket's own BroadcastChannel runs only while its socket is
// wanted, which would leave two offline tabs blind to each other.
//
//   hello { sv }  -> every other tab answers with   update { what sv lacks }
//   update {..}    is sent for every change this tab did not get from the channel itself
//   remove         the book's data is being removed from this device (remove-local-book.ts):
//                  every tab lets its copy go and opens the book again afterwards; tabs that only
//                  list the book hear it too (watch-local-book-removal.ts)
import * as Y from 'yjs'
import { applyKnownUpdates } from './apply-known-updates'

interface ChannelLike {
  postMessage(message: unknown): void
  close(): void
  onmessage: ((event: { data: unknown }) => void) | null
  unref?: () => void
}

type Wire =
  | { kind: 'hello'; from: string; sv: Uint8Array }
  | { kind: 'update'; from: string; to?: string; update: Uint8Array }
  | { kind: 'remove'; from: string }

const isWire = (m: unknown): m is Wire => {
  if (typeof m !== 'object' || m === null) return false
  const w = m as Record<string, unknown>
  return typeof w.from === 'string' &&
    ((w.kind === 'hello' && w.sv instanceof Uint8Array) || (w.kind === 'update' && w.update instanceof Uint8Array) || w.kind === 'remove')
}

const openChannel = (name: string): ChannelLike | null => {
  const BC = (globalThis as { BroadcastChannel?: new (name: string) => ChannelLike }).BroadcastChannel
  const channel = BC ? new BC(name) : null
  channel?.unref?.() // Node: an open channel must not keep the process alive
  return channel
}

/**
 * A book's channel unless openBook is given another. Versioned: tabs still running a build from
 * before the `remove` message would neither hear it nor let the book go, and would hand its
 * discarded edits back to the tabs that reopened it; on another channel they cannot.
 */
export const defaultCrossTabChannel = (bookId: string): string => `crm-sync:v2:${bookId}`

/** Tells every tab that has the book open on `name` that its data is being removed from this device. */
export const announceRemoval = (name: string): void => {
  const channel = openChannel(name)
  if (!channel) return
  channel.postMessage({ kind: 'remove', from: 'remover' } satisfies Wire)
  channel.close()
}

/**
 * Calls `heard` for every removal announced on `name` (announceRemoval), in this tab or another;
 * every other message, malformed ones included, is ignored. Returns a function that stops listening.
 */
export const listenForRemovals = (name: string, heard: () => void): (() => void) => {
  const channel = openChannel(name)
  if (!channel) return () => {}
  channel.onmessage = (e) => {
    if (isWire(e.data) && e.data.kind === 'remove') heard()
  }
  return () => channel.close()
}

export class CrossTabChannel {
  private readonly channel: ChannelLike | null
  private readonly tab = Math.random().toString(36).slice(2)

  constructor(
    name: string,
    private readonly doc: Y.Doc,
    private readonly skipOrigin: (origin: unknown) => boolean,
    /** Another tab is removing the book's data from this device. */
    private readonly removed: () => void = () => {},
  ) {
    this.channel = openChannel(name)
    if (!this.channel) return
    this.channel.onmessage = (e) => this.receive(e.data)
    doc.on('update', this.onUpdate)
  }

  /** Asks the other tabs for what this one lacks. Call once the local state is loaded. */
  start(): void {
    this.channel?.postMessage({ kind: 'hello', from: this.tab, sv: Y.encodeStateVector(this.doc) } satisfies Wire)
  }

  close(): void {
    this.doc.off('update', this.onUpdate)
    this.channel?.close()
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || this.skipOrigin(origin)) return
    this.channel?.postMessage({ kind: 'update', from: this.tab, update } satisfies Wire)
  }

  private receive(message: unknown): void {
    if (!isWire(message) || message.from === this.tab) return
    if (message.kind === 'remove') return this.removed()
    try {
      if (message.kind === 'hello') {
        const update = Y.encodeStateAsUpdate(this.doc, message.sv)
        if (update.byteLength > 2) this.channel?.postMessage({ kind: 'update', from: this.tab, to: message.from, update } satisfies Wire)
        return
      }
      if (message.to !== undefined && message.to !== this.tab) return
      applyKnownUpdates(this.doc, [message.update], this)
    } catch {
      // A message another tab could not have meant: ignore it, the relay and IndexedDB still sync.
    }
  }
}
