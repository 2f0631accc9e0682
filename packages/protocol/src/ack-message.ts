// Extension frame [100][varUint frames][varUint seq]: the first `frames` update-carrying frames
// (sync step 2 and update) this connection sent have been processed and everything they carried
// is durable in the store. `seq` is the book's log position at that point. Cumulative, monotone.
import { frameOf } from './frame-bytes'
import { MESSAGE_TYPE } from './message-type'

export interface AckMessage {
  readonly type: 'ack'
  /** Count of this connection's update-carrying frames now durable (or refused, see ErrorMessage). */
  readonly frames: number
  /** The book's durable log sequence number when the ack was sent. */
  readonly seq: number
}

export const encodeAck = (frames: number, seq: number): Uint8Array => frameOf([MESSAGE_TYPE.ack, frames, seq])
