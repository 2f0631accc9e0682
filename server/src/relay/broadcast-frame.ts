// One message for every reader of a broadcast, framed once. Server-to-client WebSocket frames
// are not masked (RFC 6455, section 5.1), so the bytes on the wire are the same for every socket:
// building the frame per socket (what `ws.send` does) is work the fan-out can skip.

const OPCODE_BINARY_FINAL = 0x82

export class BroadcastFrame {
  private framed: Buffer | null = null

  constructor(readonly payload: Uint8Array) {}

  /** The whole WebSocket frame (header + payload), built on first use and shared by every socket. */
  get wire(): Buffer {
    return (this.framed ??= frameBinaryMessage(this.payload))
  }
}

/** An unmasked, final, binary WebSocket frame carrying `payload`. */
export const frameBinaryMessage = (payload: Uint8Array): Buffer => {
  const n = payload.length
  const headerLength = n < 126 ? 2 : n < 65_536 ? 4 : 10
  const frame = Buffer.allocUnsafe(headerLength + n)
  frame[0] = OPCODE_BINARY_FINAL
  if (n < 126) {
    frame[1] = n
  } else if (n < 65_536) {
    frame[1] = 126
    frame.writeUInt16BE(n, 2)
  } else {
    frame[1] = 127
    frame.writeBigUInt64BE(BigInt(n), 2)
  }
  frame.set(payload, headerLength)
  return frame
}
