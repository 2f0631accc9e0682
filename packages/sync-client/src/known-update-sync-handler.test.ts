// The sync handler the book's provider uses: y-websocket's behaviour, with updates applied by
// applyKnownUpdates (listeners get the bytes that came over the wire), and bad input dropped.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MESSAGE_TYPE, SYNC_STEP } from '@crm-sync/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { knownUpdateSyncHandler } from './known-update-sync-handler'

const frame = (step: number, payload: Uint8Array): decoding.Decoder => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MESSAGE_TYPE.sync)
  encoding.writeVarUint(e, step)
  encoding.writeVarUint8Array(e, payload)
  const decoder = decoding.createDecoder(encoding.toUint8Array(e))
  decoding.readVarUint(decoder) // y-websocket reads the message type before calling the handler
  return decoder
}

const bookUpdate = (): Uint8Array => {
  const doc = new Y.Doc()
  doc.getMap('customers').set('c1', new Y.Map([['name', 'Acme']]))
  return Y.encodeStateAsUpdate(doc)
}

const fakeProvider = (doc: Y.Doc): WebsocketProvider => ({ doc, synced: false }) as unknown as WebsocketProvider

afterEach(() => vi.restoreAllMocks())

describe('knownUpdateSyncHandler', () => {
  it('applies sync step 2 and hands listeners the received bytes, then marks the provider synced', () => {
    const doc = new Y.Doc()
    const provider = fakeProvider(doc)
    const seen: { update: Uint8Array; origin: unknown }[] = []
    doc.on('update', (update: Uint8Array, origin: unknown) => seen.push({ update, origin }))
    const update = bookUpdate()
    const encoder = encoding.createEncoder()
    const received = frame(SYNC_STEP.step2, update)
    knownUpdateSyncHandler(encoder, received, provider, true, MESSAGE_TYPE.sync)
    expect(doc.getMap('customers').toJSON()).toEqual({ c1: { name: 'Acme' } })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.update).toEqual(update)
    expect(seen[0]!.update.buffer).toBe(received.arr.buffer) // the frame's own bytes, not an encoding
    expect(seen[0]!.origin).toBe(provider)
    expect(provider.synced).toBe(true)
    expect(encoding.length(encoder)).toBe(1) // nothing to answer
  })

  it('applies an update without touching the synced flag', () => {
    const doc = new Y.Doc()
    const provider = fakeProvider(doc)
    knownUpdateSyncHandler(encoding.createEncoder(), frame(SYNC_STEP.update, bookUpdate()), provider, true, MESSAGE_TYPE.sync)
    expect(doc.getMap('customers').size).toBe(1)
    expect(provider.synced).toBe(false)
  })

  it('answers sync step 1 with what the other side lacks', () => {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, bookUpdate())
    const encoder = encoding.createEncoder()
    knownUpdateSyncHandler(encoder, frame(SYNC_STEP.step1, Y.encodeStateVector(new Y.Doc())), fakeProvider(doc), true, MESSAGE_TYPE.sync)
    const reply = decoding.createDecoder(encoding.toUint8Array(encoder))
    expect(decoding.readVarUint(reply)).toBe(MESSAGE_TYPE.sync)
    expect(decoding.readVarUint(reply)).toBe(SYNC_STEP.step2)
    const replica = new Y.Doc()
    Y.applyUpdate(replica, decoding.readVarUint8Array(reply))
    expect(replica.getMap('customers').toJSON()).toEqual({ c1: { name: 'Acme' } })
  })

  it('logs and drops an update Yjs cannot read; the document and its listeners stay as they were', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const doc = new Y.Doc()
    const provider = fakeProvider(doc)
    const seen: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => seen.push(u))
    const update = bookUpdate()
    knownUpdateSyncHandler(encoding.createEncoder(), frame(SYNC_STEP.update, update.subarray(0, update.length - 4)), provider, true, MESSAGE_TYPE.sync)
    expect(error).toHaveBeenCalledOnce()
    expect(doc.getMap('customers').size).toBe(0)
    expect(seen).toEqual([])
    doc.getMap('book').set('name', 'still emits')
    expect(seen).toHaveLength(1)
  })

  it('throws on an unknown sync step, as y-protocols does', () => {
    expect(() => knownUpdateSyncHandler(encoding.createEncoder(), frame(7, new Uint8Array([0])), fakeProvider(new Y.Doc()), true, MESSAGE_TYPE.sync)).toThrow(/Unknown message type/)
  })
})
