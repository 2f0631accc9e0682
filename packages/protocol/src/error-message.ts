// Extension frame [101][varString JSON { code, message, frame? }]: an error is data on the wire.
// `frame` is the 1-based index of the update-carrying frame it is about, when there is one.
import * as encoding from 'lib0/encoding'
import { MESSAGE_TYPE } from './message-type'

export const WIRE_ERROR_CODES = ['read-only', 'store-failed', 'malformed'] as const
export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number]

export interface WireError {
  readonly code: WireErrorCode
  readonly message: string
  readonly frame?: number
}

export interface ErrorMessage extends WireError {
  readonly type: 'error'
}

export const encodeError = (error: WireError): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_TYPE.error)
  encoding.writeVarString(encoder, JSON.stringify(error))
  return encoding.toUint8Array(encoder)
}
