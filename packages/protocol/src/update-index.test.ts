// UpdateIndex answers as Yjs' own update functions do: the same state vector byte for byte, and
// diffs that bring any document to the same state as `Y.diffUpdate`'s, for random multi-device
// sessions (map sets and deletes, text typed and cut, so GC'd and deleted ranges), state vectors
// that end inside a struct or name unknown clients, merged updates with skips, and every sample
// update of every content kind.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { UpdateIndex } from './update-index'
import { sampleUpdates } from './sample-updates'
import { playSession as play, sessionOp as op } from './testing/random-sessions'

/**
 * What a document at `base` holds after `update`: its state vector, content, and what waits for
 * missing structs. Not its encoding: Yjs may split a struct it got overlapping differently.
 */
const stateOf = (base: Uint8Array | null, update: Uint8Array) => {
  const doc = new Y.Doc()
  if (base) Y.applyUpdate(doc, base)
  Y.applyUpdate(doc, update)
  return {
    stateVector: Y.decodeStateVector(Y.encodeStateVector(doc)),
    m: doc.getMap('m').toJSON(),
    t: doc.getText('t').toString(),
    waiting: doc.store.pendingStructs ? Y.decodeStateVector(Y.encodeStateVectorFromUpdate(doc.store.pendingStructs.update)) : null,
  }
}

/**
 * `sv` with some clocks one lower (a document claims less than it has: a state vector that ends
 * inside more structs) and a client the update does not know. Never higher: a document never
 * claims what it lacks, and for such a claim the two diffs may differ in what they leave out.
 */
const nudged = (sv: Uint8Array, by: number): Uint8Array => {
  const m = Y.decodeStateVector(sv)
  for (const [client, clock] of m) m.set(client, Math.max(0, clock - ((client + by) % 2)))
  m.set(999, 4)
  return Y.encodeStateVector(m)
}

/** Applying `index.diff(sv)` to a document at `base` ends where Y.diffUpdate's diff does. */
const expectSameDiff = (update: Uint8Array, base: Uint8Array | null, sv: Uint8Array) => {
  const ours = UpdateIndex.of(update).diff(sv)
  expect(stateOf(base, ours)).toEqual(stateOf(base, Y.diffUpdate(update, sv)))
}

describe('UpdateIndex', () => {
  it('gives the state vector Yjs reads from an update, and diffs that end where Yjs’ do', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), (ops) => {
        const { docs, states } = play(ops)
        const [server, ...clients] = docs
        for (const c of clients) Y.applyUpdate(server!, Y.encodeStateAsUpdate(c))
        const update = Y.encodeStateAsUpdate(server!)
        const index = UpdateIndex.of(update)
        expect(index.stateVector()).toEqual(Y.encodeStateVectorFromUpdate(update))
        expect(index.stateVector()).toEqual(Y.encodeStateVector(server!))
        for (const [i, state] of [new Uint8Array([0, 0]), ...states].entries()) {
          const sv = Y.encodeStateVectorFromUpdate(state)
          expectSameDiff(update, state, sv)
          expectSameDiff(update, state, nudged(sv, i))
        }
        // A document that has everything gets no structs.
        expect(Y.decodeUpdate(index.diff(Y.encodeStateVector(server!))).structs).toHaveLength(0)
      }),
      { numRuns: 150 },
    )
  })

  it('reads merged updates with skips as Yjs does', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 4, maxLength: 40 }), fc.nat(), (ops, pick) => {
        const { states } = play(ops)
        const updates: Uint8Array[] = []
        const doc = new Y.Doc()
        doc.on('update', (u: Uint8Array) => updates.push(u))
        for (const s of states) Y.applyUpdate(doc, s)
        // Every other update merged: gaps within clients, written as skips.
        const merged = Y.mergeUpdates(updates.filter((_, i) => (i + pick) % 2 === 0))
        const index = UpdateIndex.of(merged)
        expect(index.stateVector()).toEqual(Y.encodeStateVectorFromUpdate(merged))
        for (const s of states.slice(0, 5)) expectSameDiff(merged, s, nudged(Y.encodeStateVectorFromUpdate(s), pick))
      }),
      { numRuns: 100 },
    )
  })

  it.each(sampleUpdates())('indexes %s, every kind of struct and content', (_name, update) => {
    const index = UpdateIndex.of(update)
    expect(index.stateVector()).toEqual(Y.encodeStateVectorFromUpdate(update))
    expectSameDiff(update, null, new Uint8Array([0]))
    expect(stateOf(null, index.diff(new Uint8Array([0])))).toEqual(stateOf(null, update))
  })

  it('hands over as plain data: rebuilt from its parts after a structured clone, it answers the same', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const { docs, states } = play(ops)
        const update = Y.encodeStateAsUpdate(docs[0]!)
        const index = UpdateIndex.of(update)
        const rebuilt = UpdateIndex.fromParts(update.slice(), structuredClone(index.parts()))
        expect(rebuilt.stateVector()).toEqual(index.stateVector())
        for (const state of states) {
          const sv = Y.encodeStateVectorFromUpdate(state)
          expect(rebuilt.diff(sv)).toEqual(index.diff(sv))
        }
      }),
      { numRuns: 50 },
    )
    const update = Y.encodeStateAsUpdate(play([]).docs[0]!)
    expect(() => UpdateIndex.fromParts(update.subarray(0, 1), UpdateIndex.of(update).parts())).toThrow(RangeError)
  })

  it('refuses a client written twice, which Yjs reads only one run of (callers fall back to Yjs)', () => {
    const doc = new Y.Doc()
    doc.clientID = 3
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    doc.getMap('m').set('a', 1)
    doc.getMap('m').set('b', 2)
    const [u0, u1] = updates as [Uint8Array, Uint8Array]
    const twice = new Uint8Array([2, ...u0.subarray(1, -1), ...u1.subarray(1, -1), 0])
    expect(() => Y.decodeUpdate(twice)).not.toThrow()
    expect(() => UpdateIndex.of(twice)).toThrow(/client 3 written twice/)
  })

  it('refuses what Yjs cannot read', () => {
    const [, update] = sampleUpdates()[0]!
    expect(() => UpdateIndex.of(update.slice(0, update.length - 3))).toThrow(/unexpected end/)
  })
})
