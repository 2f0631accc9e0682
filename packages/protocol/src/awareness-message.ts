// Awareness (presence) frames: [1][varUint8Array awareness update], and the query [3].
import { frameOf } from './frame-bytes'
import { MESSAGE_TYPE } from './message-type'

export interface AwarenessMessage {
  readonly type: 'awareness'
  /** y-protocols/awareness encoded update: entries of (clientID, clock, state JSON). */
  readonly update: Uint8Array
}

export interface QueryAwarenessMessage {
  readonly type: 'query-awareness'
}

export const encodeAwareness = (update: Uint8Array): Uint8Array => frameOf([MESSAGE_TYPE.awareness], update)

export const encodeQueryAwareness = (): Uint8Array => frameOf([MESSAGE_TYPE.queryAwareness])
