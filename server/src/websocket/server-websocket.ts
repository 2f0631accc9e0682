// One client's WebSocket on the server side, over the TCP socket its HTTP upgrade left.
//
//   open ──close() / error──► closing ──socket closed──► closed
//     │                         ▲  (waits up to closeTimeoutMs for the client's close frame,
//     └──client's close frame───┘   then cuts the socket)
//     └──socket ended, reset or terminate()──────────────────────► closed
//
// The relay's own WebSocket layer, instead of `ws`: per idle connection ws holds a WebSocket, a
// Receiver with its Writable stream state, a Sender, and an EventEmitter's listeners for each,
// ≈3 KiB of RSS a socket more than this (bench scenario 2, the byte forwarder on each: 10.1 against
// 7.0 KiB per connection). Here a connection is this one object and its socket; the listeners are
// shared by every connection, and what it reports goes to handlers every connection shares. Frames
// the relay builds once for many sockets are written to `socket` directly (nothing is queued here,
// so they cannot overtake anything).
import type { Socket } from 'node:net'
import { FrameReader, NO_STATUS_CODE } from './frame-reader'
import { OPCODE } from './opcode'
import { frame, frameHeader } from './frame-writer'
import { isWebSocketError } from './websocket-error'

/** What every connection reports to; one object for all of them. */
export interface WebSocketHandlers {
  message(ws: ServerWebSocket, data: Buffer, isBinary: boolean): void
  pong(ws: ServerWebSocket): void
  /**
   * A client broke the protocol (a WebSocketError; the connection is closing with its code), or a
   * handler threw on its message (closing with 1011).
   */
  error(ws: ServerWebSocket, error: Error): void
  /** The socket is gone; `code` is the client's close code, 1005 if it gave none, 1006 if it sent no close frame. */
  close(ws: ServerWebSocket, code: number): void
}

export interface WebSocketSettings {
  readonly handlers: WebSocketHandlers
  /** Largest message (all its fragments together) a client may send; larger ones close with 1009. */
  readonly maxPayload: number
  /** How long a close waits for the client's close frame before cutting the socket. */
  readonly closeTimeoutMs: number
}

export const READY_STATE = { open: 1, closing: 2, closed: 3 } as const
export type ReadyState = (typeof READY_STATE)[keyof typeof READY_STATE]

/** The server met an unexpected condition (RFC 6455 section 7.4.1). */
const INTERNAL_ERROR = 1011
/** No close frame was received: the connection ended abnormally (RFC 6455 section 7.1.5). */
const ABNORMAL_CLOSURE = 1006
/** Payloads from this size go out as header + payload (two buffers in one writev), not copied into one. */
const COPY_BELOW_BYTES = 64 * 1024

const kWebSocket = Symbol('websocket')
type SocketWithWebSocket = Socket & { [kWebSocket]: ServerWebSocket }

export class ServerWebSocket extends FrameReader {
  private state: ReadyState = READY_STATE.open
  /** The client's close code once its close frame came. */
  private receivedCode = ABNORMAL_CLOSURE
  private closeTimer: NodeJS.Timeout | null = null

  /** Takes over `socket` (the upgrade's response already written). */
  constructor(
    readonly socket: Socket,
    private readonly o: WebSocketSettings,
  ) {
    super()
    ;(socket as SocketWithWebSocket)[kWebSocket] = this
    socket.setTimeout(0)
    socket.setNoDelay(true)
    socket.on('data', socketOnData)
    socket.on('end', socketOnEnd)
    socket.on('error', socketOnError)
    socket.on('close', socketOnClose)
  }

  get readyState(): ReadyState {
    return this.state
  }

  /** Bytes written to the socket that the kernel has not taken yet. */
  get bufferedAmount(): number {
    return this.socket.writableLength
  }

  /** Sends `data` as one binary message; nothing once the connection is closing. */
  send(data: Uint8Array): void {
    if (this.state !== READY_STATE.open) return
    this.writeFrame(OPCODE.binary, data)
  }

  ping(): void {
    if (this.state === READY_STATE.open) this.socket.write(PING)
  }

  /**
   * Reads nothing from the client until `resumeReading()`: what it sends meanwhile waits in the
   * kernel's buffers, and TCP's flow control stops it once those are full (backpressure).
   */
  holdReading(): void {
    this.socket.pause()
  }

  resumeReading(): void {
    this.socket.resume()
  }

  /** Starts the closing handshake: sends a close frame; the socket closes once the client answers. */
  close(code: number, reason = ''): void {
    if (this.state !== READY_STATE.open) return
    this.state = READY_STATE.closing
    this.sendClose(code, reason)
    this.cutLater()
  }

  /** Cuts the socket without a closing handshake. */
  terminate(): void {
    if (this.state === READY_STATE.closed) return
    this.state = READY_STATE.closing
    this.socket.destroy()
  }

  protected get maxPayload(): number {
    return this.o.maxPayload
  }

  protected onMessage(data: Buffer, isBinary: boolean): void {
    if (this.state === READY_STATE.open) this.o.handlers.message(this, data, isBinary)
  }

  protected onPing(data: Buffer): void {
    // A client that sends pings but does not read gets no pongs: they would pile up in memory.
    if (this.state === READY_STATE.open && !this.socket.writableNeedDrain) this.writeFrame(OPCODE.pong, data)
  }

  protected onPong(): void {
    this.o.handlers.pong(this)
  }

  protected onCloseFrame(code: number): void {
    this.receivedCode = code
    if (this.state === READY_STATE.open) {
      this.state = READY_STATE.closing
      // Echo the client's code (RFC 6455 section 5.5.1); 1005 is never sent, so it is echoed as no code.
      this.sendClose(code === NO_STATUS_CODE ? null : code, '')
    }
    // The server closes the TCP connection first (RFC 6455 section 7.1.1); a client that then
    // keeps its half open is cut.
    this.socket.end()
    this.cutLater()
  }

  /** Cuts the socket if it has not closed within closeTimeoutMs. */
  private cutLater(): void {
    if (this.closeTimer) return
    this.closeTimer = setTimeout(cutSocket, this.o.closeTimeoutMs, this.socket)
    this.closeTimer.unref()
  }

  /** Bytes from the socket. */
  receive(chunk: Buffer): void {
    try {
      this.read(chunk)
    } catch (error) {
      // A framing error, or a handler that threw on this client's message: the rest of the chunk is
      // lost either way, so the stream cannot be read on; it is dropped until the socket closes,
      // and the error is reported instead of escaping the socket's 'data' event (a process crash).
      this.stopReading()
      const failure = error instanceof Error ? error : new Error(String(error))
      this.o.handlers.error(this, failure)
      if (isWebSocketError(failure)) this.close(failure.closeCode, failure.message)
      else this.close(INTERNAL_ERROR, 'the server failed to handle a message')
    }
  }

  private writeFrame(opcode: number, payload: Uint8Array): void {
    const socket = this.socket
    if (payload.length < COPY_BELOW_BYTES) {
      socket.write(frame(opcode, payload))
      return
    }
    socket.cork()
    socket.write(frameHeader(opcode, payload.length))
    socket.write(payload)
    socket.uncork()
  }

  private sendClose(code: number | null, reason: string): void {
    if (code === null) {
      this.socket.write(EMPTY_CLOSE)
      return
    }
    const text = utf8Prefix(reason, MAX_REASON_BYTES)
    const payload = Buffer.allocUnsafe(2 + text.length)
    payload.writeUInt16BE(code, 0)
    payload.set(text, 2)
    this.writeFrame(OPCODE.close, payload)
  }

  /**
   * The client ended its side of the socket: nothing is written to it any more, and ours ends once
   * what is buffered has gone out; a client that stopped reading too is cut after closeTimeoutMs.
   */
  peerEnded(): void {
    if (this.state === READY_STATE.open) this.state = READY_STATE.closing
    this.cutLater()
  }

  /** The socket closed, however it went. */
  socketClosed(): void {
    if (this.state === READY_STATE.closed) return
    this.state = READY_STATE.closed
    if (this.closeTimer) clearTimeout(this.closeTimer)
    this.closeTimer = null
    this.o.handlers.close(this, this.receivedCode)
  }
}

/** A close frame's payload is at most 125 bytes: the code and 123 bytes of reason. */
const MAX_REASON_BYTES = 123

/** `text` as UTF-8, cut to at most `limit` bytes at a character boundary. */
const utf8Prefix = (text: string, limit: number): Buffer => {
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length <= limit) return bytes
  let end = limit
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
  return bytes.subarray(0, end)
}

const PING = Buffer.from([0x80 | OPCODE.ping, 0])
const EMPTY_CLOSE = Buffer.from([0x80 | OPCODE.close, 0])

// One function of each kind for every socket (called with the socket as `this`), not a closure per connection.
function socketOnData(this: SocketWithWebSocket, chunk: Buffer): void {
  this[kWebSocket].receive(chunk)
}

function socketOnEnd(this: SocketWithWebSocket): void {
  // The client half-closed (HTTP servers allow half-open sockets): nothing more will come.
  this[kWebSocket].peerEnded()
  this.end()
}

function socketOnError(this: SocketWithWebSocket): void {
  // A reset or a failed write: the socket closes next, and `close` reports it (1006).
  this.destroy()
}

function socketOnClose(this: SocketWithWebSocket): void {
  this[kWebSocket].socketClosed()
}

const cutSocket = (socket: Socket): void => {
  socket.destroy()
}
