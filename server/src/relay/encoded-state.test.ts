// EncodedState answers sync from the bytes exactly as a decoded Y.Doc would.
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { decodeMessage, encodeSyncStep2, UpdateIndex } from '@crm-sync/protocol'
import { playSession, sessionOp as op, type SessionOp } from '@crm-sync/protocol/testing'
import { framableBytes } from '../framable-bytes'
import { EncodedState, INDEX_FROM_BYTES, isEmptyStateVector, KEEP_STATE_VECTOR_FROM_BYTES, SHARE_FROM_BYTES } from './encoded-state'

/** Passes of Yjs' own update functions over a whole state (the index answers big books without them). */
const yjsPasses = vi.hoisted(() => ({ count: 0 }))
vi.mock('yjs', async (importOriginal) => {
  const yjs = await importOriginal<typeof import('yjs')>()
  const counted = <A extends unknown[], R>(f: (...args: A) => R) => (...args: A): R => {
    yjsPasses.count++
    return f(...args)
  }
  return { ...yjs, diffUpdate: counted(yjs.diffUpdate), encodeStateVectorFromUpdate: counted(yjs.encodeStateVectorFromUpdate) }
})

const play = (ops: readonly SessionOp[]): Y.Doc[] => playSession(ops).docs

const payloadOf = (frame: Uint8Array): Uint8Array => {
  const m = decodeMessage(frame)
  if (m.type !== 'sync') throw new Error('not a sync frame')
  return m.payload
}

describe('EncodedState', () => {
  it('gives every lagging replica what the decoded document would, and the same state vector', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const [server, ...clients] = play(ops)
        // The server knows everything: what each client holds is a subset of it.
        for (const c of clients) Y.applyUpdate(server!, Y.encodeStateAsUpdate(c))
        const state = new EncodedState(Y.encodeStateAsUpdate(server!))
        expect(state.stateVector()).toEqual(Y.encodeStateVector(server!))
        for (const c of clients) {
          Y.applyUpdate(c, payloadOf(state.step2For(Y.encodeStateVector(c))))
          expect(c.getMap('m').toJSON()).toEqual(server!.getMap('m').toJSON())
          expect(c.getText('t').toString()).toBe(server!.getText('t').toString())
        }
        // A replica that has everything gets no structs back.
        expect(Y.decodeUpdate(payloadOf(state.step2For(Y.encodeStateVector(server!)))).structs).toHaveLength(0)
        const fresh = new Y.Doc()
        Y.applyUpdate(fresh, payloadOf(state.step2For(Y.encodeStateVector(fresh))))
        expect(fresh.getText('t').toString()).toBe(server!.getText('t').toString())
      }),
      { numRuns: 200 },
    )
  })

  it('gives a big book’s lagging replicas, from its index, what the decoded document would', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const [server, ...clients] = play(ops)
        server!.getMap('big').set('notes', 'x'.repeat(INDEX_FROM_BYTES)) // past the size that is indexed
        for (const c of clients) Y.applyUpdate(server!, Y.encodeStateAsUpdate(c))
        const state = new EncodedState(Y.encodeStateAsUpdate(server!))
        const passes = yjsPasses.count
        expect(state.stateVector()).toEqual(Y.encodeStateVector(server!))
        for (const c of clients) {
          const before = Y.encodeStateVector(c)
          Y.applyUpdate(c, payloadOf(state.step2For(before)))
          expect(c.getMap('m').toJSON()).toEqual(server!.getMap('m').toJSON())
          expect(c.getText('t').toString()).toBe(server!.getText('t').toString())
          expect(Y.encodeStateVector(c)).toEqual(Y.encodeStateVector(server!))
          // What a client lacks is copied, not the book: far less than the whole state.
          expect(state.step2For(Y.encodeStateVector(c)).length).toBeLessThan(INDEX_FROM_BYTES / 2)
        }
        expect(yjsPasses.count).toBe(passes)
      }),
      { numRuns: 25 },
    )
  })

  it('serves a client with nothing the whole state as one frame, without copying it again', () => {
    const doc = new Y.Doc()
    doc.getMap('m').set('k', 'v')
    const state = new EncodedState(Y.encodeStateAsUpdate(doc))
    expect(state.step2For(new Uint8Array([0]))).toBe(state.fullStep2)
    expect(state.update.buffer).toBe(state.fullStep2.buffer)
    expect(payloadOf(state.fullStep2)).toEqual(Y.encodeStateAsUpdate(doc))
    expect(isEmptyStateVector(Y.encodeStateVector(new Y.Doc()))).toBe(true)
  })

  it('frames a state handed over with room in front in place: no copy, the same frame', () => {
    const doc = new Y.Doc()
    doc.getMap('m').set('k', 'v'.repeat(300))
    const update = Y.encodeStateAsUpdate(doc)
    const shared = new Uint8Array(new SharedArrayBuffer(16 + update.length))
    shared.set(update, 16)
    const state = new EncodedState(shared.subarray(16), { headRoom: 16 })
    expect(state.fullStep2.buffer).toBe(shared.buffer)
    expect(state.fullStep2).toEqual(new EncodedState(update).fullStep2)
    expect(state.update).toEqual(update)
    // Without room, or too little, it is copied as before.
    expect(new EncodedState(shared.subarray(16), { headRoom: 2 }).fullStep2.buffer).not.toBe(shared.buffer)
    expect(new EncodedState(shared.subarray(16)).fullStep2.buffer).not.toBe(shared.buffer)
  })

  it('frames in place a state a store put together in framable bytes, and claims their room once', () => {
    const doc = new Y.Doc()
    doc.getMap('m').set('k', 'v'.repeat(300))
    const update = Y.encodeStateAsUpdate(doc)
    const made = framableBytes(update.length)
    made.set(update)
    const state = new EncodedState(made)
    expect(state.fullStep2.buffer).toBe(made.buffer)
    expect(state.fullStep2).toEqual(new EncodedState(update).fullStep2)
    // The room is taken: another state of the same bytes copies them.
    expect(new EncodedState(made).fullStep2.buffer).not.toBe(made.buffer)
  })

  it('keeps a big state in shared memory (worker jobs take it without a copy), a small one not', () => {
    const doc = new Y.Doc()
    doc.getMap('m').set('notes', 'n'.repeat(SHARE_FROM_BYTES))
    const big = new EncodedState(Y.encodeStateAsUpdate(doc))
    expect(big.fullStep2.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(big.update).toEqual(Y.encodeStateAsUpdate(doc))
    expect(payloadOf(big.fullStep2)).toEqual(Y.encodeStateAsUpdate(doc))
    const small = new EncodedState(Y.encodeStateAsUpdate(new Y.Doc()))
    expect(small.fullStep2.buffer).toBeInstanceOf(ArrayBuffer)
  })

  it("takes a big book's index from whoever walked it, instead of walking the bytes itself", () => {
    const doc = new Y.Doc()
    doc.getMap('m').set('notes', 'n'.repeat(INDEX_FROM_BYTES))
    const update = Y.encodeStateAsUpdate(doc)
    const walked = UpdateIndex.of(update)
    const emptyParts = UpdateIndex.of(Y.encodeStateAsUpdate(new Y.Doc())).parts()
    const walks = vi.spyOn(UpdateIndex, 'of')
    const state = new EncodedState(update, { index: walked.parts() })
    expect(state.step2For(Y.encodeStateVector(doc))).toEqual(encodeSyncStep2(walked.diff(Y.encodeStateVector(doc))))
    expect(state.stateVector()).toEqual(Y.encodeStateVector(doc))
    expect(walks).not.toHaveBeenCalled()
    // Parts that cannot be this update's are not taken: the state walks its bytes on first use.
    const other = new EncodedState(update.slice(), { index: emptyParts })
    expect(other.stateVector()).toEqual(Y.encodeStateVector(doc))
    expect(walks).toHaveBeenCalledTimes(1)
    walks.mockRestore()
  })

  it("keeps a big book's state vector, and computes a small book's again for each caller", () => {
    const small = new Y.Doc()
    small.getMap('m').set('k', 'v')
    const big = new Y.Doc()
    big.getMap('m').set('notes', 'x'.repeat(KEEP_STATE_VECTOR_FROM_BYTES))
    const smallState = new EncodedState(Y.encodeStateAsUpdate(small))
    const bigState = new EncodedState(Y.encodeStateAsUpdate(big))
    expect(smallState.stateVector()).toEqual(Y.encodeStateVector(small))
    expect(smallState.stateVector()).not.toBe(smallState.stateVector())
    expect(bigState.stateVector()).toEqual(Y.encodeStateVector(big))
    expect(bigState.stateVector()).toBe(bigState.stateVector())
  })

  it("takes a big book's state vector from whoever encoded it, instead of a pass over the bytes", () => {
    const big = new Y.Doc()
    big.getMap('m').set('notes', 'x'.repeat(KEEP_STATE_VECTOR_FROM_BYTES))
    const given = Y.encodeStateVector(big)
    expect(new EncodedState(Y.encodeStateAsUpdate(big), { stateVector: given }).stateVector()).toBe(given)
    const small = new Y.Doc()
    small.getMap('m').set('k', 'v')
    const smallGiven = Y.encodeStateVector(small)
    expect(new EncodedState(Y.encodeStateAsUpdate(small), { stateVector: smallGiven }).stateVector()).not.toBe(smallGiven) // not kept
  })
})
