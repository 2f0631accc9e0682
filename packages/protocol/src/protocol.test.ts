import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  SYNC_STEP, decodeAwarenessEntries, decodeMessage, encodeAck, encodeAwarenessEntries, encodeError,
  encodePermissionDenied, encodeRole, encodeSyncStep1, encodeUpdate, isEmptyUpdate, isProtocolError, validateSyncPayload,
} from './index'

const docWithText = (text: string) => {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return doc
}

describe('decodeMessage', () => {
  it('reads the frames y-protocols writes', () => {
    const doc = docWithText('hello')
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, 0)
    syncProtocol.writeSyncStep1(enc, doc)
    const m = decodeMessage(encoding.toUint8Array(enc))
    expect(m).toMatchObject({ type: 'sync', step: SYNC_STEP.step1 })
    if (m.type !== 'sync') throw new Error('not sync')
    expect(Y.decodeStateVector(m.payload).get(doc.clientID)).toBe(5)
  })

  it('round-trips our own encoders', () => {
    const update = Y.encodeStateAsUpdate(docWithText('x'))
    expect(decodeMessage(encodeUpdate(update))).toEqual({ type: 'sync', step: SYNC_STEP.update, payload: update })
    expect(decodeMessage(encodeSyncStep1(new Uint8Array([0])))).toMatchObject({ step: SYNC_STEP.step1 })
    expect(decodeMessage(encodeAck(7, 42))).toEqual({ type: 'ack', frames: 7, seq: 42 })
    expect(decodeMessage(encodeError({ code: 'read-only', message: 'viewer', frame: 3 }))).toEqual({
      type: 'error', code: 'read-only', message: 'viewer', frame: 3,
    })
    expect(decodeMessage(encodePermissionDenied('no'))).toEqual({ type: 'auth', kind: 0, reason: 'no' })
    for (const role of ['owner', 'editor', 'viewer'] as const) expect(decodeMessage(encodeRole(role))).toEqual({ type: 'role', role })
  })

  it.each([
    ['empty frame', new Uint8Array([]), 'malformed'],
    ['unknown type', new Uint8Array([42]), 'unknown-type'],
    ['unknown sync step', new Uint8Array([0, 9, 0]), 'unknown-type'],
    ['truncated payload', new Uint8Array([0, 2, 10, 1, 2]), 'malformed'],
    ['trailing bytes', new Uint8Array([3, 3]), 'trailing-bytes'],
    ['unknown role', new Uint8Array([102, 5, ...new TextEncoder().encode('admin')]), 'malformed'],
    ['role cut short', new Uint8Array([102, 6, 118, 105]), 'malformed'],
  ])('rejects %s', (_name, frame, code) => {
    try {
      decodeMessage(frame)
      expect.unreachable()
    } catch (e) {
      expect(isProtocolError(e)).toBe(true)
      expect((e as { code: string }).code).toBe(code)
    }
  })
})

describe('validateSyncPayload', () => {
  it('accepts real updates and rejects garbage', () => {
    const update = Y.encodeStateAsUpdate(docWithText('abc'))
    expect(() => validateSyncPayload({ type: 'sync', step: SYNC_STEP.update, payload: update })).not.toThrow()
    expect(() => validateSyncPayload({ type: 'sync', step: SYNC_STEP.update, payload: update.slice(0, update.length - 3) })).toThrow(/undecodable/)
    expect(() => validateSyncPayload({ type: 'sync', step: SYNC_STEP.step2, payload: new Uint8Array([200, 200, 200]) })).toThrow()
  })

  it('knows the empty update', () => {
    expect(isEmptyUpdate(Y.encodeStateAsUpdate(new Y.Doc()))).toBe(true)
    expect(isEmptyUpdate(Y.encodeStateAsUpdate(docWithText('a')))).toBe(false)
  })
})

describe('awareness entries', () => {
  it('read what y-protocols writes and write what it reads', () => {
    const doc = new Y.Doc()
    const awareness = new awarenessProtocol.Awareness(doc)
    awareness.setLocalState({ user: { name: 'eve' }, cursor: 3 })
    const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])
    const [entry] = decodeAwarenessEntries(update)
    expect(entry).toMatchObject({ clientId: doc.clientID, state: { user: { name: 'eve' }, cursor: 3 } })

    const other = new awarenessProtocol.Awareness(new Y.Doc())
    awarenessProtocol.applyAwarenessUpdate(other, encodeAwarenessEntries([{ ...entry!, state: { user: { name: 'alice' } } }]), null)
    expect(other.getStates().get(doc.clientID)).toEqual({ user: { name: 'alice' } })
    awareness.destroy()
    other.destroy()
  })

  it('rejects states that are not objects', () => {
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, 1)
    encoding.writeVarUint(enc, 1)
    encoding.writeVarUint(enc, 1)
    encoding.writeVarString(enc, '[1,2]')
    expect(() => decodeAwarenessEntries(encoding.toUint8Array(enc))).toThrow(/object/)
    expect(() => decodeAwarenessEntries(new Uint8Array([5, 1]))).toThrow()
  })
})
