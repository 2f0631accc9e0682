// Awareness (presence) frames: [1][varUint8Array awareness update], and the query [3].
import * as encoding from 'lib0/encoding'
import { MESSAGE_TYPE } from './message-type'

export interface AwarenessMessage {
  readonly type: 'awareness'
  /** y-protocols/awareness encoded update: entries of (clientID, clock, state JSON). */
  readonly update: Uint8Array
}

export interface QueryAwarenessMessage {
  readonly type: 'query-awareness'
}

export const encodeAwareness = (update: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_TYPE.awareness)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}

export const encodeQueryAwareness = (): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_TYPE.queryAwareness)
  return encoding.toUint8Array(encoder)
}
