// Strict decoding of one frame into a typed message. Anything that does not follow the
// protocol to the last byte is a ProtocolError; the relay closes that one connection with 4400.
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import type { AckMessage } from './ack-message'
import type { AuthMessage } from './auth-message'
import type { AwarenessMessage, QueryAwarenessMessage } from './awareness-message'
import { checkUpdateV1 } from './check-update'
import type { ErrorMessage, WireError } from './error-message'
import { MESSAGE_TYPE, SYNC_STEP, type SyncStep } from './message-type'
import { ProtocolError } from './protocol-error'
import { isBookRole, type RoleMessage } from './role-message'
import type { SyncMessage } from './sync-message'

export type Message = SyncMessage | AwarenessMessage | QueryAwarenessMessage | AuthMessage | AckMessage | ErrorMessage | RoleMessage

const SYNC_STEPS = new Set<number>(Object.values(SYNC_STEP))

const readBody = (decoder: decoding.Decoder, type: number): Message => {
  switch (type) {
    case MESSAGE_TYPE.sync: {
      const step = decoding.readVarUint(decoder)
      if (!SYNC_STEPS.has(step)) throw new ProtocolError('unknown-type', `unknown sync step ${step}`)
      return { type: 'sync', step: step as SyncStep, payload: decoding.readVarUint8Array(decoder) }
    }
    case MESSAGE_TYPE.awareness:
      return { type: 'awareness', update: decoding.readVarUint8Array(decoder) }
    case MESSAGE_TYPE.queryAwareness:
      return { type: 'query-awareness' }
    case MESSAGE_TYPE.auth:
      return { type: 'auth', kind: decoding.readVarUint(decoder), reason: decoding.readVarString(decoder) }
    case MESSAGE_TYPE.ack:
      return { type: 'ack', frames: decoding.readVarUint(decoder), seq: decoding.readVarUint(decoder) }
    case MESSAGE_TYPE.error: {
      const body = JSON.parse(decoding.readVarString(decoder)) as WireError
      if (typeof body?.code !== 'string' || typeof body.message !== 'string') {
        throw new ProtocolError('malformed', 'error message without code and message')
      }
      return { type: 'error', ...body }
    }
    case MESSAGE_TYPE.role: {
      const role = decoding.readVarString(decoder)
      if (!isBookRole(role)) throw new ProtocolError('malformed', `unknown role ${JSON.stringify(role.slice(0, 40))}`)
      return { type: 'role', role }
    }
    default:
      throw new ProtocolError('unknown-type', `unknown message type ${type}`)
  }
}

export const decodeMessage = (frame: Uint8Array): Message => {
  if (frame.length === 0) throw new ProtocolError('malformed', 'empty frame')
  const decoder = decoding.createDecoder(frame)
  let message: Message
  try {
    message = readBody(decoder, decoding.readVarUint(decoder))
  } catch (e) {
    if (e instanceof ProtocolError) throw e
    throw new ProtocolError('malformed', 'frame ends early or is not encoded as the protocol says', { cause: e })
  }
  if (decoder.pos !== frame.length) throw new ProtocolError('trailing-bytes', `${frame.length - decoder.pos} bytes after the message`)
  return message
}

/**
 * Checks that a sync payload decodes (a state vector for step 1, a Yjs v1 update otherwise)
 * without applying it anywhere, so nothing undecodable is ever stored or broadcast. Updates are
 * walked without building Yjs' objects (check-update.ts).
 */
export const validateSyncPayload = (m: SyncMessage): void => {
  try {
    if (m.step === SYNC_STEP.step1) Y.decodeStateVector(m.payload)
    else checkUpdateV1(m.payload)
  } catch (e) {
    throw new ProtocolError('bad-update', m.step === SYNC_STEP.step1 ? 'undecodable state vector' : 'undecodable Yjs update', { cause: e })
  }
}

/** An update that changes nothing: no structs and an empty delete set (y-websocket sends these as step 2). */
export const isEmptyUpdate = (update: Uint8Array): boolean => update.length === 2 && update[0] === 0 && update[1] === 0
