// One message for every reader of a broadcast, framed once. Server-to-client WebSocket frames
// are not masked (RFC 6455, section 5.1), so the bytes on the wire are the same for every socket:
// building the frame per socket (what `ServerWebSocket.send` does) is work the fan-out can skip.
import { frame } from '../websocket/frame-writer'
import { OPCODE } from '../websocket/opcode'

export class BroadcastFrame {
  private framed: Buffer | null = null

  constructor(readonly payload: Uint8Array) {}

  /** The whole WebSocket frame (header + payload), built on first use and shared by every socket. */
  get wire(): Buffer {
    return (this.framed ??= frameBinaryMessage(this.payload))
  }
}

/** An unmasked, final, binary WebSocket frame carrying `payload`. */
export const frameBinaryMessage = (payload: Uint8Array): Buffer => frame(OPCODE.binary, payload)
