// Extension frame [100][varUint frames][varUint seq]: the first `frames` update-carrying frames
// (sync step 2 and update) this connection sent have been processed and everything they carried
// is durable in the store. `seq` is the book's log position at that point. Cumulative, monotone.
import * as encoding from 'lib0/encoding'
import { MESSAGE_TYPE } from './message-type'

export interface AckMessage {
  readonly type: 'ack'
  /** Count of this connection's update-carrying frames now durable (or refused, see ErrorMessage). */
  readonly frames: number
  /** The book's durable log sequence number when the ack was sent. */
  readonly seq: number
}

export const encodeAck = (frames: number, seq: number): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE_TYPE.ack)
  encoding.writeVarUint(encoder, frames)
  encoding.writeVarUint(encoder, seq)
  return encoding.toUint8Array(encoder)
}
