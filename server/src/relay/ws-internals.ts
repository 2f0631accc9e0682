// The two places the relay reaches under `ws` (8.x): the TCP socket, to cork it and to write
// broadcast frames framed once (see BroadcastFrame), and the sender's state, because a frame
// written to the socket directly must not overtake one the sender still holds (it holds frames
// only while compressing or reading a Blob, which the relay never does). When the fields are not
// there (another ws version), callers fall back to `ws.send`.
import type WebSocket from 'ws'

export interface RawSocket {
  cork(): void
  uncork(): void
  write(chunk: Uint8Array): boolean
}

interface WsInternals {
  _socket?: RawSocket
  _sender?: { _state?: unknown; _queue?: unknown[] }
}

const SENDER_IDLE = 0

/** The socket under `ws`, or null if ws does not expose it. */
export const socketOf = (ws: WebSocket): RawSocket | null => (ws as unknown as WsInternals)._socket ?? null

/** The socket, when a frame written to it now goes out in order after everything sent before; else null. */
export const idleSocketOf = (ws: WebSocket): RawSocket | null => {
  const { _socket, _sender } = ws as unknown as WsInternals
  if (!_socket || !_sender || _sender._state !== SENDER_IDLE || !Array.isArray(_sender._queue) || _sender._queue.length > 0) return null
  return _socket
}
