// Bytes made in shared memory with free room in front: an encoded state the relay frames in place
// (sync step 2's head written into the room, relay/encoded-state.ts) and that worker jobs take
// without a copy. Whoever allocates them hands the room over with the bytes, and the first to
// claim it owns it: a store putting a big snapshot together from its parts writes it here, and the
// book that loads it neither allocates nor copies 16 MiB again (≈45 ms of page faults on a slow host).

/** Free bytes in front: enough for any sync frame's head. */
export const FRAME_HEAD_ROOM = 16

/** Buffers made here whose room nobody has claimed yet. */
const unclaimed = new WeakSet<SharedArrayBuffer>()

/** `length` bytes of shared memory with FRAME_HEAD_ROOM free bytes in front, to be claimed once. */
export function framableBytes(length: number): Uint8Array<SharedArrayBuffer> {
  const buffer = new SharedArrayBuffer(FRAME_HEAD_ROOM + length)
  unclaimed.add(buffer)
  return new Uint8Array(buffer, FRAME_HEAD_ROOM, length)
}

/**
 * The free room in front of `bytes` (claimed now, so 0 to anyone after) when they are all of what
 * framableBytes made; 0 for any other bytes, a part of those, or once claimed.
 */
export function claimHeadRoom(bytes: Uint8Array): number {
  const buffer = bytes.buffer
  if (!(buffer instanceof SharedArrayBuffer) || !unclaimed.has(buffer)) return 0
  if (bytes.byteOffset !== FRAME_HEAD_ROOM || bytes.byteLength !== buffer.byteLength - FRAME_HEAD_ROOM) return 0
  unclaimed.delete(buffer)
  return FRAME_HEAD_ROOM
}
