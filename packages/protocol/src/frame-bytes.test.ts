// The frames written without lib0's Encoder must be the bytes lib0 writes: peers (y-websocket
// clients, Hocuspocus' provider) decode them with lib0.
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import { encodeAck } from './ack-message'
import { encodeAwareness, encodeQueryAwareness } from './awareness-message'
import { frameInPlace, frameOf, varUintLength } from './frame-bytes'
import { encodeSyncStep1, encodeSyncStep2, encodeSyncStep2InPlace, encodeUpdate } from './sync-message'

const lib0Frame = (head: readonly number[], payload?: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder()
  for (const n of head) encoding.writeVarUint(encoder, n)
  if (payload) encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** Every varUint width's edges, and values past 32 bits (lib0 writes those too). */
const EDGES = [0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32 + 5, 2 ** 49 + 3, Number.MAX_SAFE_INTEGER]
const bytes = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff)

describe('frameOf', () => {
  it('writes varUints as lib0 does, at every width', () => {
    for (const n of EDGES) {
      expect(varUintLength(n)).toBe(lib0Frame([n]).length)
      expect(frameOf([n])).toEqual(lib0Frame([n]))
      expect(frameOf([100, n, EDGES.length - 1])).toEqual(lib0Frame([100, n, EDGES.length - 1]))
    }
  })

  it('writes length-prefixed payloads as writeVarUint8Array does', () => {
    for (const length of [0, 1, 40, 97, 98, 99, 100, 127, 128, 300, 16_383, 16_384, 200_000]) {
      const payload = bytes(length)
      expect(frameOf([0, 2], payload), `payload of ${length}`).toEqual(lib0Frame([0, 2], payload))
    }
  })

  it('frames sync, awareness and ack messages byte for byte as before', () => {
    const payload = bytes(1_000)
    expect(encodeUpdate(payload)).toEqual(lib0Frame([0, 2], payload))
    expect(encodeSyncStep1(payload)).toEqual(lib0Frame([0, 0], payload))
    expect(encodeSyncStep2(payload)).toEqual(lib0Frame([0, 1], payload))
    expect(encodeAwareness(payload)).toEqual(lib0Frame([1], payload))
    expect(encodeQueryAwareness()).toEqual(lib0Frame([3]))
    for (const [frames, seq] of EDGES.map((n, i): [number, number] => [n, EDGES[EDGES.length - 1 - i]!])) {
      expect(encodeAck(frames, seq)).toEqual(lib0Frame([100, frames, seq]))
    }
  })

  it('gives a frame its own exact-size buffer, sharing nothing with the payload', () => {
    const payload = bytes(50)
    const frame = encodeUpdate(payload)
    expect(frame.byteOffset).toBe(0)
    expect(frame.buffer.byteLength).toBe(frame.length)
    payload[0] = 0xee
    expect(frame[3]).not.toBe(0xee)
  })
})

describe('frameInPlace', () => {
  it('writes the head into the room before the payload, the same frame as frameOf, without a copy', () => {
    for (const length of [0, 1, 127, 128, 16_384, 200_000]) {
      const room = new Uint8Array(16 + length)
      room.fill(0xee, 0, 16)
      const payload = room.subarray(16)
      payload.set(bytes(length))
      const frame = frameInPlace([0, 1], payload, 16)!
      expect(frame, `payload of ${length}`).toEqual(frameOf([0, 1], payload))
      expect(frame.buffer).toBe(room.buffer)
      expect(encodeSyncStep2InPlace(payload, 16)).toEqual(encodeSyncStep2(payload))
      // Nothing before the head was touched.
      expect([...room.subarray(0, 16 - (frame.length - length))].every((b) => b === 0xee)).toBe(true)
    }
  })

  it('works on shared memory, as the snapshot worker hands the state over', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(16 + 1000))
    shared.set(bytes(1000), 16)
    expect(encodeSyncStep2InPlace(shared.subarray(16), 16)).toEqual(encodeSyncStep2(bytes(1000)))
  })

  it('returns null when the head does not fit in the room, or the room is not there', () => {
    const payload = new Uint8Array(20).subarray(4)
    expect(frameInPlace([0, 1], payload, 2)).toBeNull() // the head is 3 bytes: 0, 1 and the length 16
    expect(frameInPlace([0, 1], bytes(10), 16)).toBeNull() // at the start of its buffer: no room at all
    expect(frameInPlace([0, 1], payload, 3)).toEqual(frameOf([0, 1], payload))
  })
})
