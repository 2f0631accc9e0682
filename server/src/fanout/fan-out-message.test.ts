// Messages between relay instances: round trip, and garbage is refused rather than applied.
import { describe, expect, it } from 'vitest'
import { FAN_OUT_KIND, decodeFanOutMessage, encodeFanOutMessage } from './fan-out-message'

describe('fan-out messages', () => {
  it('round-trip', () => {
    const m = { kind: FAN_OUT_KIND.update, instance: 'i-1', seq: 42, payload: new Uint8Array([1, 2, 3]) }
    expect(decodeFanOutMessage(encodeFanOutMessage(m))).toEqual(m)
    const member = { kind: FAN_OUT_KIND.member, instance: 'i-2', seq: 0, payload: new TextEncoder().encode('bob') }
    expect(decodeFanOutMessage(encodeFanOutMessage(member))).toEqual(member)
  })

  it.each([
    ['empty', new Uint8Array([])],
    ['unknown kind', new Uint8Array([7, 1, 65, 0, 0])],
    ['a kind past the known ones', new Uint8Array([3, 1, 65, 0, 0])],
    ['truncated payload', new Uint8Array([0, 1, 65, 3, 10, 1])],
    ['trailing bytes', new Uint8Array([1, 1, 65, 0, 0, 9])],
  ])('refuses %s', (_what, bytes) => {
    expect(() => decodeFanOutMessage(bytes)).toThrow()
  })
})
