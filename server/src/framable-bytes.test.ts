// Framable bytes hand their room in front over once: to the first claim of all of them, not to a
// part of them, not to other shared or plain bytes, and not twice.
import { describe, expect, it } from 'vitest'
import { claimHeadRoom, FRAME_HEAD_ROOM, framableBytes } from './framable-bytes'

describe('framable bytes', () => {
  it('give their room to the first claim of all of them, and to no other', () => {
    const bytes = framableBytes(100)
    expect(bytes.length).toBe(100)
    expect(bytes.byteOffset).toBe(FRAME_HEAD_ROOM)
    expect(claimHeadRoom(bytes.subarray(1))).toBe(0)
    expect(claimHeadRoom(bytes.subarray(0, 99))).toBe(0)
    expect(claimHeadRoom(bytes)).toBe(FRAME_HEAD_ROOM)
    expect(claimHeadRoom(bytes)).toBe(0)
    expect(claimHeadRoom(new Uint8Array(new SharedArrayBuffer(116), 16, 100))).toBe(0)
    expect(claimHeadRoom(new Uint8Array(116).subarray(16))).toBe(0)
  })
})
