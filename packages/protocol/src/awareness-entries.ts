// Reads and writes the inside of an awareness update, so the relay can check who a presence
// entry claims to be and stamp the identity fields from the token before it passes it on.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { ProtocolError } from './protocol-error'

export interface AwarenessEntry {
  readonly clientId: number
  readonly clock: number
  /** Parsed state, or null when the client removed its state (went away). */
  readonly state: Record<string, unknown> | null
}

export const decodeAwarenessEntries = (update: Uint8Array): AwarenessEntry[] => {
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    const entries: AwarenessEntry[] = []
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const parsed: unknown = JSON.parse(decoding.readVarString(decoder))
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
        throw new ProtocolError('malformed', 'awareness state must be an object or null')
      }
      entries.push({ clientId, clock, state: parsed as Record<string, unknown> | null })
    }
    if (decoder.pos !== update.length) throw new ProtocolError('trailing-bytes', 'bytes after the awareness entries')
    return entries
  } catch (e) {
    if (e instanceof ProtocolError) throw e
    throw new ProtocolError('malformed', 'undecodable awareness update', { cause: e })
  }
}

export const encodeAwarenessEntries = (entries: readonly AwarenessEntry[]): Uint8Array => {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId)
    encoding.writeVarUint(encoder, e.clock)
    encoding.writeVarString(encoder, JSON.stringify(e.state))
  }
  return encoding.toUint8Array(encoder)
}
