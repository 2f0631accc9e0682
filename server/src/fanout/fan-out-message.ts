// What relay instances publish to each other on a book's channel:
// [varUint kind][varString instance][varUint seq][varUint8Array payload]
// kind 0 = a durable update with its log seq; kind 1 = an awareness update (seq 0);
// kind 2 = a membership of the book changed, payload = the user id in UTF-8 (seq 0).
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

export const FAN_OUT_KIND = { update: 0, awareness: 1, member: 2 } as const
export type FanOutKind = (typeof FAN_OUT_KIND)[keyof typeof FAN_OUT_KIND]

export interface FanOutMessage {
  readonly kind: FanOutKind
  readonly instance: string
  readonly seq: number
  readonly payload: Uint8Array
}

export const encodeFanOutMessage = (m: FanOutMessage): Uint8Array => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, m.kind)
  encoding.writeVarString(e, m.instance)
  encoding.writeVarUint(e, m.seq)
  encoding.writeVarUint8Array(e, m.payload)
  return encoding.toUint8Array(e)
}

/** Throws on anything that is not such a message. */
export const decodeFanOutMessage = (bytes: Uint8Array): FanOutMessage => {
  const d = decoding.createDecoder(bytes)
  const kind = decoding.readVarUint(d)
  if (kind !== FAN_OUT_KIND.update && kind !== FAN_OUT_KIND.awareness && kind !== FAN_OUT_KIND.member) throw new Error(`unknown fan-out kind ${kind}`)
  const m = { kind, instance: decoding.readVarString(d), seq: decoding.readVarUint(d), payload: decoding.readVarUint8Array(d) }
  if (d.pos !== bytes.length) throw new Error('trailing bytes in fan-out message')
  return m
}
