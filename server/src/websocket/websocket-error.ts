// Typed errors of the relay's WebSocket layer: what a client got wrong in RFC 6455 framing, and
// the close code the connection is closed with for it.

export const WEBSOCKET_ERROR_CODES = ['bad-frame', 'frame-too-big', 'bad-utf8'] as const
export type WebSocketErrorCode = (typeof WEBSOCKET_ERROR_CODES)[number]

/** RFC 6455 section 7.4.1: the close code each kind of error is answered with. */
const CLOSE_CODE_OF: Record<WebSocketErrorCode, number> = {
  'bad-frame': 1002,
  'bad-utf8': 1007,
  'frame-too-big': 1009,
}

export class WebSocketError extends Error {
  override readonly name = 'WebSocketError'
  readonly closeCode: number
  constructor(
    readonly code: WebSocketErrorCode,
    message: string,
  ) {
    super(message)
    this.closeCode = CLOSE_CODE_OF[code]
  }
}

export const isWebSocketError = (e: unknown, code?: WebSocketErrorCode): e is WebSocketError =>
  e instanceof WebSocketError && (code === undefined || e.code === code)
