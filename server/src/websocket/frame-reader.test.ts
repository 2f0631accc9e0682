// The frame reader on its own: whole messages out of any split of the byte stream, and a typed
// error, with the close code RFC 6455 names, for everything a client may not send.
import { describe, expect, it } from 'vitest'
import { clientFrame } from '../testing/raw-websocket-client'
import { FrameReader, MAX_FRAGMENTS } from './frame-reader'
import { OPCODE } from './opcode'
import { isWebSocketError, type WebSocketError } from './websocket-error'

type Event = [kind: string, ...rest: unknown[]]

class RecordingReader extends FrameReader {
  readonly events: Event[] = []
  constructor(private readonly limit = 1024) {
    super()
  }
  feed(chunk: Uint8Array): void {
    this.read(Buffer.from(chunk))
  }
  get holding(): { bytes: number; buffers: number } {
    return this.held
  }
  protected get maxPayload(): number {
    return this.limit
  }
  protected onMessage(data: Buffer, isBinary: boolean): void {
    this.events.push(['message', isBinary ? [...data] : data.toString('utf8')])
  }
  protected onPing(data: Buffer): void {
    this.events.push(['ping', data.toString()])
  }
  protected onPong(data: Buffer): void {
    this.events.push(['pong', data.toString()])
  }
  protected onCloseFrame(code: number, reason: string): void {
    this.events.push(['close', code, reason])
  }
}

const errorOf = (bytes: Buffer, limit?: number): WebSocketError => {
  const reader = new RecordingReader(limit)
  try {
    reader.feed(bytes)
  } catch (e) {
    if (isWebSocketError(e)) return e
    throw e
  }
  throw new Error('no error')
}

const closePayload = (code: number, reason = '') => {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason))
  b.writeUInt16BE(code)
  b.write(reason, 2)
  return b
}

const STREAM = Buffer.concat([
  clientFrame(OPCODE.binary, Uint8Array.of(1, 2, 3)),
  clientFrame(OPCODE.text, 'héllo', { fin: false }),
  clientFrame(OPCODE.ping, 'p'), // a control frame between fragments
  clientFrame(OPCODE.continuation, ' wörld'),
  clientFrame(OPCODE.binary, new Uint8Array(300).fill(7), { lengthBits: 16 }),
  clientFrame(OPCODE.binary, Uint8Array.of(9), { lengthBits: 64 }),
  clientFrame(OPCODE.binary, new Uint8Array(0)),
  clientFrame(OPCODE.pong, 'q'),
  clientFrame(OPCODE.close, closePayload(1000, 'bye')),
  clientFrame(OPCODE.binary, Uint8Array.of(4)), // after the close: not read
])
const EXPECTED: Event[] = [
  ['message', [1, 2, 3]],
  ['ping', 'p'],
  ['message', 'héllo wörld'],
  ['message', new Array(300).fill(7)],
  ['message', [9]],
  ['message', []],
  ['pong', 'q'],
  ['close', 1000, 'bye'],
]

describe('FrameReader', () => {
  it('reads the same messages whatever pieces the stream arrives in', () => {
    const whole = new RecordingReader()
    whole.feed(STREAM)
    expect(whole.events).toEqual(EXPECTED)

    const bytewise = new RecordingReader()
    for (const b of STREAM) bytewise.feed(Uint8Array.of(b))
    expect(bytewise.events).toEqual(EXPECTED)

    let seed = 7
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
    for (let round = 0; round < 50; round++) {
      const reader = new RecordingReader()
      for (let at = 0; at < STREAM.length; ) {
        const n = 1 + Math.floor(random() * 40)
        reader.feed(STREAM.subarray(at, at + n))
        at += n
      }
      expect(reader.events).toEqual(EXPECTED)
    }
  })

  it("holds one buffer of about a frame's size for a frame sent a byte at a time, and little for one announced but not sent", () => {
    const payload = Uint8Array.from({ length: 200_000 }, (_, i) => i & 0xff)
    const bytes = clientFrame(OPCODE.binary, payload)
    const slow = new RecordingReader(1024 * 1024)
    let mostBuffers = 0
    let mostRatio = 0
    for (let i = 0; i < bytes.length; i++) {
      slow.feed(bytes.subarray(i, i + 1))
      const { bytes: held, buffers } = slow.holding
      mostBuffers = Math.max(mostBuffers, buffers)
      if (i > 4096) mostRatio = Math.max(mostRatio, held / i)
    }
    expect(mostBuffers).toBeLessThanOrEqual(14) // a header's bytes at most, then one growing buffer
    expect(mostRatio).toBeLessThanOrEqual(2.01)
    expect(slow.events).toHaveLength(1)
    expect(Buffer.from(slow.events[0]![1] as number[]).equals(Buffer.from(payload))).toBe(true)

    const liar = new RecordingReader(8 * 1024 * 1024)
    liar.feed(clientFrame(OPCODE.binary, '', { declaredLength: 8 * 1024 * 1024 - 1, lengthBits: 64 }))
    liar.feed(new Uint8Array(10))
    expect(liar.holding.bytes).toBeLessThanOrEqual(4096)
  })

  it('reads a close frame without a code as 1005', () => {
    const reader = new RecordingReader()
    reader.feed(clientFrame(OPCODE.close, ''))
    expect(reader.events).toEqual([['close', 1005, '']])
  })

  it.each([
    ['an unmasked frame', clientFrame(OPCODE.binary, 'x', { masked: false }), 'bad-frame', 1002],
    ['a reserved bit', clientFrame(OPCODE.binary, 'x', { rsv: 0b100 }), 'bad-frame', 1002],
    ['an unknown opcode', clientFrame(0x3, 'x'), 'bad-frame', 1002],
    ['a fragmented ping', clientFrame(OPCODE.ping, 'x', { fin: false }), 'bad-frame', 1002],
    ['a ping over 125 bytes', clientFrame(OPCODE.ping, 'x'.repeat(126)), 'bad-frame', 1002],
    ['a continuation without a message', clientFrame(OPCODE.continuation, 'x'), 'bad-frame', 1002],
    [
      'a new message inside a fragmented one',
      Buffer.concat([clientFrame(OPCODE.binary, 'a', { fin: false }), clientFrame(OPCODE.binary, 'b')]),
      'bad-frame',
      1002,
    ],
    ['a one-byte close payload', clientFrame(OPCODE.close, 'x'), 'bad-frame', 1002],
    ['a close code that may not be sent', clientFrame(OPCODE.close, closePayload(1005)), 'bad-frame', 1002],
    ['a close code out of range', clientFrame(OPCODE.close, closePayload(5000)), 'bad-frame', 1002],
    ['a text message that is not UTF-8', clientFrame(OPCODE.text, Uint8Array.of(0xc3, 0x28)), 'bad-utf8', 1007],
    ['a close reason that is not UTF-8', clientFrame(OPCODE.close, Buffer.concat([closePayload(1000), Buffer.of(0xff)])), 'bad-utf8', 1007],
    ['a message over the limit', clientFrame(OPCODE.binary, new Uint8Array(1025)), 'frame-too-big', 1009],
    [
      'fragments over the limit together',
      Buffer.concat([clientFrame(OPCODE.binary, new Uint8Array(600), { fin: false }), clientFrame(OPCODE.continuation, new Uint8Array(600))]),
      'frame-too-big',
      1009,
    ],
    [
      'a message in more fragments than MAX_FRAGMENTS, even empty ones',
      Buffer.concat([
        clientFrame(OPCODE.binary, '', { fin: false }),
        ...Array.from({ length: MAX_FRAGMENTS }, () => clientFrame(OPCODE.continuation, '', { fin: false })),
      ]),
      'frame-too-big',
      1009,
    ],
  ])('refuses %s', (_what, bytes, code, closeCode) => {
    const error = errorOf(bytes)
    expect(error.code).toBe(code)
    expect(error.closeCode).toBe(closeCode)
  })

  it('refuses an oversized frame from its header, before its payload arrives', () => {
    // Only the 10-byte header of a frame that claims 2^40 bytes: nothing of it is buffered.
    const header = clientFrame(OPCODE.binary, '', { declaredLength: 2 ** 40, lengthBits: 64 })
    expect(errorOf(header).code).toBe('frame-too-big')
    const beyondSafe = clientFrame(OPCODE.binary, '', { lengthBits: 64 })
    beyondSafe.writeUInt32BE(0x0020_0000, 2)
    expect(errorOf(beyondSafe, Number.MAX_SAFE_INTEGER).code).toBe('frame-too-big')
  })
})
