// Thrown by the decoders when a frame does not follow the protocol; the relay answers with 4400.

export const PROTOCOL_ERROR_CODES = ['malformed', 'unknown-type', 'bad-update', 'trailing-bytes'] as const
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number]

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export const isProtocolError = (e: unknown): e is ProtocolError => e instanceof ProtocolError
