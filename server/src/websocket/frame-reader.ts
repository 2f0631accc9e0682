// Reads RFC 6455 frames from a client's byte stream, in whatever pieces TCP delivers them, and
// hands on whole messages and control frames. Strict: no extension is ever negotiated, so any
// reserved bit is an error; client frames must be masked; control frames are short and whole; a
// message (all its fragments) may not exceed `maxPayload`, checked from the header before any of
// the payload is buffered. Payloads are unmasked in place and handed on as views of the bytes
// read, without a copy. A reader at rest holds no buffers (idle connections are the common case).
import { isUtf8 } from 'node:buffer'
import { OPCODE } from './opcode'
import { WebSocketError } from './websocket-error'

/** RFC 6455 section 7.4: codes a peer may send in a close frame. */
export const isValidCloseCode = (code: number): boolean =>
  (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)

/** The first buffer for a frame whose header came before its payload (it doubles as bytes come). */
const MIN_PARTIAL_BYTES = 4096

/** The most frames one message may arrive in; browsers and ws send one, or a few for huge messages. */
export const MAX_FRAGMENTS = 1024

/** No close code in the close frame (RFC 6455 section 7.1.5). */
export const NO_STATUS_CODE = 1005

export abstract class FrameReader {
  /** Bytes of a frame whose header is not all here yet, or null; `bufferedBytes` is their total. */
  private buffered: Buffer[] | null = null
  private bufferedBytes = 0
  /** How many bytes the frame in progress needs before it can be read further. */
  private needed = 0
  /** Whether `needed` is the whole frame (its header was read), not only its header. */
  private neededWholeFrame = false
  /**
   * The frame in progress once its header was read, copied into one buffer that grows (doubling,
   * up to the frame's size) as its bytes come: a frame sent a byte per TCP segment costs about its
   * size, not a Buffer per segment, and a frame announced but not sent costs little.
   */
  private partial: Buffer | null = null
  private filled = 0
  /** The fragments of a message whose last frame has not come yet, or null. */
  private fragments: Buffer[] | null = null
  private fragmentBytes = 0
  private fragmentedBinary = false
  /** Set once a close frame was read: nothing after it is read. */
  private stopped = false

  protected abstract get maxPayload(): number
  protected abstract onMessage(data: Buffer, isBinary: boolean): void
  protected abstract onPing(data: Buffer): void
  protected abstract onPong(data: Buffer): void
  protected abstract onCloseFrame(code: number, reason: string): void

  /** Reads nothing more (after a framing error, the rest of the stream has no meaning). */
  protected stopReading(): void {
    this.stopped = true
    this.buffered = null
    this.partial = null
    this.fragments = null
  }

  /** Reads `chunk`; throws WebSocketError on a framing error (the stream is unusable after it). */
  protected read(chunk: Buffer): void {
    if (this.stopped) return
    if (this.partial !== null) return this.fill(chunk)
    let bytes = chunk
    if (this.buffered !== null) {
      this.buffered.push(chunk)
      this.bufferedBytes += chunk.length
      if (this.bufferedBytes < this.needed) return
      bytes = Buffer.concat(this.buffered, this.bufferedBytes)
      this.buffered = null
      this.bufferedBytes = 0
    }
    this.readFrames(bytes)
  }

  /** Bytes and buffers held for a frame not yet complete (tests check what a slow or lying client costs). */
  protected get held(): { bytes: number; buffers: number } {
    if (this.partial) return { bytes: this.partial.length, buffers: 1 }
    return { bytes: this.bufferedBytes, buffers: this.buffered?.length ?? 0 }
  }

  private readFrames(bytes: Buffer): void {
    let at = 0
    while (at < bytes.length && !this.stopped) {
      const used = this.readFrame(bytes, at)
      if (used === 0) return this.keep(bytes.subarray(at))
      at += used
    }
  }

  /** Keeps the start of an incomplete frame until the rest comes. */
  private keep(rest: Buffer): void {
    if (!this.neededWholeFrame) {
      this.buffered = [rest]
      this.bufferedBytes = rest.length
      return
    }
    this.partial = Buffer.allocUnsafe(Math.min(this.needed, Math.max(rest.length * 2, MIN_PARTIAL_BYTES)))
    rest.copy(this.partial)
    this.filled = rest.length
  }

  /** Adds `chunk` to the frame in progress; reads the frame once whole, then the rest of the chunk. */
  private fill(chunk: Buffer): void {
    const take = Math.min(chunk.length, this.needed - this.filled)
    let partial = this.partial!
    if (this.filled + take > partial.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.needed, Math.max(partial.length * 2, this.filled + take)))
      partial.copy(grown, 0, 0, this.filled)
      partial = this.partial = grown
    }
    chunk.copy(partial, this.filled, 0, take)
    this.filled += take
    if (this.filled < this.needed) return
    this.partial = null
    this.filled = 0
    this.readFrames(partial)
    if (take < chunk.length) this.read(chunk.subarray(take))
  }

  /** Reads the frame at `at`: returns its length, or 0 (and sets `needed`) if it is not all here. */
  private readFrame(bytes: Buffer, at: number): number {
    const available = bytes.length - at
    if (available < 2) return this.need(2, false)
    const first = bytes[at]!
    const second = bytes[at + 1]!
    if ((first & 0x70) !== 0) throw new WebSocketError('bad-frame', 'reserved bits are set (no extension was negotiated)')
    if ((second & 0x80) === 0) throw new WebSocketError('bad-frame', 'client frames must be masked')
    const fin = (first & 0x80) !== 0
    const opcode = first & 0x0f
    let length = second & 0x7f
    const headerLength = length === 126 ? 8 : length === 127 ? 14 : 6
    if (available < headerLength) return this.need(headerLength, false)
    if (length === 126) length = bytes.readUInt16BE(at + 2)
    else if (length === 127) {
      const high = bytes.readUInt32BE(at + 2)
      // Above 2^53 - 1 a length is not a safe integer (and far beyond any maxPayload).
      if (high > 0x1f_ffff) throw new WebSocketError('frame-too-big', 'payload length above 2^53 - 1')
      length = high * 2 ** 32 + bytes.readUInt32BE(at + 6)
    }
    this.checkFrame(opcode, fin, length)
    if (available < headerLength + length) return this.need(headerLength + length, true)

    const start = at + headerLength
    const payload = bytes.subarray(start, start + length)
    unmask(payload, bytes[start - 4]!, bytes[start - 3]!, bytes[start - 2]!, bytes[start - 1]!)
    this.dispatch(opcode, fin, payload)
    return headerLength + length
  }

  private need(bytes: number, wholeFrame: boolean): 0 {
    this.needed = bytes
    this.neededWholeFrame = wholeFrame
    return 0
  }

  private checkFrame(opcode: number, fin: boolean, length: number): void {
    switch (opcode) {
      case OPCODE.close:
      case OPCODE.ping:
      case OPCODE.pong:
        if (!fin) throw new WebSocketError('bad-frame', 'control frames may not be fragmented')
        if (length > 125) throw new WebSocketError('bad-frame', 'control frames carry at most 125 bytes')
        return
      case OPCODE.continuation:
        if (this.fragments === null) throw new WebSocketError('bad-frame', 'a continuation frame without a message to continue')
        // Each fragment kept costs memory whatever its size: without a cap, empty or one-byte
        // fragments would grow a message's bookkeeping without ever reaching maxPayload.
        if (this.fragments.length >= MAX_FRAGMENTS) throw new WebSocketError('frame-too-big', `a message in more than ${MAX_FRAGMENTS} fragments`)
        break
      case OPCODE.text:
      case OPCODE.binary:
        if (this.fragments !== null) throw new WebSocketError('bad-frame', 'a new message before the fragmented one ended')
        break
      default:
        throw new WebSocketError('bad-frame', `unknown opcode ${opcode}`)
    }
    if (this.fragmentBytes + length > this.maxPayload) {
      throw new WebSocketError('frame-too-big', `message above the limit of ${this.maxPayload} bytes`)
    }
  }

  private dispatch(opcode: number, fin: boolean, payload: Buffer): void {
    switch (opcode) {
      case OPCODE.text:
      case OPCODE.binary:
        if (fin) return this.message(payload, opcode === OPCODE.binary)
        // Fragments are copied: a view would keep the whole chunk it came in alive until the last one.
        this.fragments = [Buffer.from(payload)]
        this.fragmentBytes = payload.length
        this.fragmentedBinary = opcode === OPCODE.binary
        return
      case OPCODE.continuation: {
        const fragments = this.fragments!
        fragments.push(Buffer.from(payload))
        this.fragmentBytes += payload.length
        if (!fin) return
        const whole = Buffer.concat(fragments, this.fragmentBytes)
        this.fragments = null
        this.fragmentBytes = 0
        return this.message(whole, this.fragmentedBinary)
      }
      case OPCODE.close:
        return this.closeFrame(payload)
      case OPCODE.ping:
        return this.onPing(payload)
      default:
        return this.onPong(payload)
    }
  }

  private message(data: Buffer, isBinary: boolean): void {
    if (!isBinary && !isUtf8(data)) throw new WebSocketError('bad-utf8', 'a text message that is not UTF-8')
    this.onMessage(data, isBinary)
  }

  private closeFrame(payload: Buffer): void {
    if (payload.length === 1) throw new WebSocketError('bad-frame', 'a close frame with a one-byte payload')
    const code = payload.length === 0 ? NO_STATUS_CODE : payload.readUInt16BE(0)
    if (payload.length > 0 && !isValidCloseCode(code)) throw new WebSocketError('bad-frame', `invalid close code ${code}`)
    const reason = payload.subarray(2)
    if (!isUtf8(reason)) throw new WebSocketError('bad-utf8', 'a close reason that is not UTF-8')
    this.stopReading()
    this.onCloseFrame(code, reason.toString('utf8'))
  }
}

/** XORs `data` with the 4-byte mask in place (RFC 6455 section 5.3). */
const unmask = (data: Buffer, m0: number, m1: number, m2: number, m3: number): void => {
  const n = data.length
  let i = 0
  for (; i + 3 < n; i += 4) {
    data[i] = data[i]! ^ m0
    data[i + 1] = data[i + 1]! ^ m1
    data[i + 2] = data[i + 2]! ^ m2
    data[i + 3] = data[i + 3]! ^ m3
  }
  if (i < n) data[i] = data[i]! ^ m0
  if (i + 1 < n) data[i + 1] = data[i + 1]! ^ m1
  if (i + 2 < n) data[i + 2] = data[i + 2]! ^ m2
}
