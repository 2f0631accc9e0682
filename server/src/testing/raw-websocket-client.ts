// A WebSocket client that writes frames byte for byte as a test tells it, malformed ones included,
// and reads the server's frames back: for tests of what a server does with what no real client sends.
import { once } from 'node:events'
import net from 'node:net'

export interface ClientFrameOptions {
  fin?: boolean
  /** Reserved bits (RSV1..3) as the top nibble's low three bits: 0b100 is RSV1. */
  rsv?: number
  /** False sends the frame unmasked (a protocol error from a client). */
  masked?: boolean
  /** Forces the 16- or 64-bit length form even for a short payload. */
  lengthBits?: 7 | 16 | 64
  /** Overrides the length written in the header (a lie about the payload). */
  declaredLength?: number
}

/** A client frame with `opcode` and `payload`, masked with a fixed key unless told otherwise. */
export const clientFrame = (opcode: number, payload: Uint8Array | string, o: ClientFrameOptions = {}): Buffer => {
  const data = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload)
  const length = o.declaredLength ?? data.length
  const bits = o.lengthBits ?? (length < 126 ? 7 : length < 65_536 ? 16 : 64)
  const masked = o.masked ?? true
  const header: number[] = [((o.fin ?? true) ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | opcode]
  const maskBit = masked ? 0x80 : 0
  if (bits === 7) header.push(maskBit | length)
  else if (bits === 16) header.push(maskBit | 126, length >> 8, length & 0xff)
  else {
    const big = Buffer.alloc(8)
    big.writeBigUInt64BE(BigInt(length))
    header.push(maskBit | 127, ...big)
  }
  const mask = [0x37, 0xfa, 0x21, 0x3d]
  if (masked) header.push(...mask)
  const body = masked ? data.map((b, i) => b ^ mask[i & 3]!) : data
  return Buffer.concat([Buffer.from(header), body])
}

export interface ServerFrame {
  readonly fin: boolean
  readonly opcode: number
  readonly payload: Buffer
}

export class RawWebSocketClient {
  private received = Buffer.alloc(0)
  private waiters = new Set<() => void>()
  private ended = false
  /** The server ended its side (FIN), whether or not this side is still open. */
  serverEnded = false

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk])
      this.wake()
    })
    socket.on('end', () => {
      this.serverEnded = true
      this.wake()
    })
    socket.on('close', () => {
      this.ended = true
      this.wake()
    })
    socket.on('error', () => {})
  }

  /**
   * Connects and sends `request` (a whole upgrade request by default); returns once the response
   * head is in. With `allowHalfOpen` the client keeps its side open after the server ends its own.
   */
  static async connect(port: number, request?: string | Buffer, opts: { allowHalfOpen?: boolean } = {}): Promise<{ client: RawWebSocketClient; head: string }> {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: opts.allowHalfOpen ?? false })
    await once(socket, 'connect')
    const client = new RawWebSocketClient(socket)
    socket.write(request ?? upgradeRequest())
    const head = await client.until(() => {
      const end = client.received.indexOf('\r\n\r\n')
      if (end < 0) return undefined
      const text = client.received.subarray(0, end).toString('latin1')
      client.received = client.received.subarray(end + 4)
      return text
    }, 'the response head')
    return { client, head }
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes)
  }

  /** Writes `bytes` one byte per write, each its own TCP segment as far as Nagle allows. */
  async trickle(bytes: Uint8Array): Promise<void> {
    this.socket.setNoDelay(true)
    for (const b of bytes) {
      this.socket.write(Buffer.of(b))
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  /** The next whole frame from the server. */
  nextFrame(): Promise<ServerFrame> {
    return this.until(() => {
      const b = this.received
      if (b.length < 2) return undefined
      let length = b[1]! & 0x7f
      let at = 2
      if (length === 126) {
        if (b.length < 4) return undefined
        length = b.readUInt16BE(2)
        at = 4
      } else if (length === 127) {
        if (b.length < 10) return undefined
        length = Number(b.readBigUInt64BE(2))
        at = 10
      }
      if (b.length < at + length) return undefined
      this.received = b.subarray(at + length)
      return { fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload: Buffer.from(b.subarray(at, at + length)) }
    }, 'a frame')
  }

  /** Resolves once the server closed the TCP connection. */
  closed(): Promise<void> {
    return this.until(() => (this.ended ? true : undefined), 'the socket to close').then(() => undefined)
  }

  /** Resolves once the server ended its side of the connection (or it closed). */
  serverEnd(): Promise<void> {
    return this.until(() => (this.serverEnded || this.ended ? true : undefined), 'the socket to close').then(() => undefined)
  }

  destroy(): void {
    this.socket.destroy()
  }

  private until<T>(check: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const found = check()
        if (found === undefined) {
          if (this.ended && what !== 'the socket to close') fail(new Error(`socket closed while waiting for ${what}`))
          return
        }
        done()
        resolve(found)
      }
      const fail = (e: Error) => {
        done()
        reject(e)
      }
      const done = () => {
        this.waiters.delete(attempt)
        clearTimeout(timer)
      }
      const timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}`)), timeoutMs)
      this.waiters.add(attempt)
      attempt()
    })
  }

  private wake(): void {
    for (const w of [...this.waiters]) w()
  }
}

/** A well-formed upgrade request, with `headers` replacing or adding to the usual ones (null drops one). */
export const upgradeRequest = (headers: Record<string, string | null> = {}, requestLine = 'GET /sync/x HTTP/1.1'): string => {
  const all: Record<string, string | null> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    ...headers,
  }
  const lines = Object.entries(all).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`)
  return `${requestLine}\r\n${lines.join('\r\n')}\r\n\r\n`
}
