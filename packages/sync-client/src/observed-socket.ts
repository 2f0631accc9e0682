// A WebSocket class to hand to y-websocket's WebsocketProvider in place of the real one. It
// wraps a real socket (browser WebSocket or Node's `ws`) and
//   - shows us every frame the provider sends, before it leaves (acknowledgement bookkeeping),
//   - checks every frame the relay sends, strictly, before the provider sees it: y-websocket
//     would apply or throw on a malformed one (an uncaught exception in Node), so a frame that
//     does not follow the protocol is dropped and the connection closed instead.
import { decodeAwarenessEntries, decodeMessage, validateSyncPayload, type Message } from '@crm-sync/protocol'

/** The part of the WebSocket interface that y-websocket and we use. */
export interface SocketLike {
  binaryType: string
  readonly readyState: number
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { readonly data: unknown }) => void) | null
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
}

export type SocketClass = new (url: string, protocols?: string | string[]) => SocketLike

export interface SocketHooks {
  opened(socket: SocketLike): void
  outgoing(socket: SocketLike, message: Message): void
  /** A frame from the relay failed the checks; the socket is being closed. */
  malformedIncoming(socket: SocketLike, error: unknown): void
}

/** Close code we send when the relay spoke out of protocol (same meaning as the relay's 4400). */
export const CLIENT_MALFORMED_CLOSE = 4400

const OPEN = 1

export const toBytes = (data: unknown): Uint8Array | null => {
  if (data instanceof Uint8Array) return data
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return null
}

/** Throws unless the frame is a protocol message whose payload decodes. */
export const checkIncoming = (frame: Uint8Array): Message => {
  const message = decodeMessage(frame)
  if (message.type === 'sync') validateSyncPayload(message)
  if (message.type === 'awareness') decodeAwarenessEntries(message.update)
  return message
}

export const observedSocketClass = (Real: SocketClass, hooks: SocketHooks): SocketClass => {
  return class ObservedSocket implements SocketLike {
    static readonly CONNECTING = 0
    static readonly OPEN = 1
    static readonly CLOSING = 2
    static readonly CLOSED = 3
    readonly CONNECTING = 0
    readonly OPEN = 1
    readonly CLOSING = 2
    readonly CLOSED = 3
    onopen: SocketLike['onopen'] = null
    onmessage: SocketLike['onmessage'] = null
    onclose: SocketLike['onclose'] = null
    onerror: SocketLike['onerror'] = null
    private readonly real: SocketLike
    private poisoned = false

    constructor(url: string, protocols?: string | string[]) {
      this.real = new Real(url, protocols)
      this.real.binaryType = 'arraybuffer'
      this.real.onopen = (e) => {
        hooks.opened(this)
        this.onopen?.(e)
      }
      this.real.onclose = (e) => this.onclose?.(e)
      this.real.onerror = (e) => this.onerror?.(e)
      this.real.onmessage = (e) => this.receive(e)
    }

    get binaryType(): string {
      return 'arraybuffer'
    }

    set binaryType(_: string) {
      // Always arraybuffer: the checks below need the bytes synchronously.
    }

    get readyState(): number {
      return this.real.readyState
    }

    send(data: Uint8Array): void {
      if (this.real.readyState === OPEN && !this.poisoned) {
        const bytes = toBytes(data)
        let message: Message | null = null
        try {
          message = bytes ? decodeMessage(bytes) : null
        } catch {
          // Not ours to judge: the relay will.
        }
        if (message) hooks.outgoing(this, message)
      }
      this.real.send(data)
    }

    close(code?: number, reason?: string): void {
      this.real.close(code, reason)
    }

    private receive(event: { readonly data: unknown }): void {
      if (this.poisoned) return
      try {
        const bytes = toBytes(event.data)
        if (!bytes) throw new Error('text frame from the relay')
        checkIncoming(bytes)
      } catch (error) {
        this.poisoned = true
        hooks.malformedIncoming(this, error)
        this.real.close(CLIENT_MALFORMED_CLOSE, 'malformed frame from the relay')
        return
      }
      this.onmessage?.(event)
    }
  }
}
