// y-protocols/auth frames: [2][0 = permission denied][varString reason]. Unmodified y-websocket
// clients log them; the relay sends one when a viewer tries to write.
import * as encoding from 'lib0/encoding'
import { MESSAGE_TYPE } from './message-type'

export const AUTH_KIND = { permissionDenied: 0 } as const

export interface AuthMessage {
  readonly type: 'auth'
  readonly kind: number
  readonly reason: string
}

export const encodePermissionDenied = (reason: string): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_TYPE.auth)
  encoding.writeVarUint(encoder, AUTH_KIND.permissionDenied)
  encoding.writeVarString(encoder, reason)
  return encoding.toUint8Array(encoder)
}
