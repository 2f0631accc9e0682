// The tail's state vector against Yjs' own: updates in order, out of order, waiting for another
// client, and the shapes no client writes (skips, a client twice) claiming no more than they hold.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { decodeMessage } from '@crm-sync/protocol'
import { DormantTail } from './dormant-tail'

const EMPTY_SV = Y.encodeStateVector(new Y.Doc())

/** A device whose every transaction's update is collected. */
const device = (clientID: number) => {
  const doc = new Y.Doc()
  doc.clientID = clientID
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  return { doc, updates }
}

const svOf = (sv: Uint8Array): Record<number, number> => Object.fromEntries(Y.decodeStateVector(sv))

describe('DormantTail', () => {
  it('claims what a document applying the same updates holds, in or out of order', () => {
    const a = device(1)
    for (let i = 0; i < 5; i++) a.doc.getMap('m').set(`k${i}`, i)
    const tail = new DormantTail()
    // The third update first: it waits for the two before it, as it would in Yjs.
    tail.add(a.updates[2]!)
    expect(svOf(tail.stateVector(EMPTY_SV))).toEqual({})
    tail.add(a.updates[0]!)
    expect(svOf(tail.stateVector(EMPTY_SV))).toEqual({ 1: 1 })
    tail.add(a.updates[1]!)
    tail.add(a.updates[3]!)
    expect(svOf(tail.stateVector(EMPTY_SV))).toEqual({ 1: 4 })
    expect(tail.length).toBe(4)
    expect(tail.bytes).toBe([0, 1, 2, 3].reduce((n, i) => n + a.updates[i]!.length, 0))

    const reference = new Y.Doc()
    for (const u of tail.updates()) Y.applyUpdate(reference, u)
    expect(tail.stateVector(EMPTY_SV)).toEqual(Y.encodeStateVector(reference))
  })

  it('starts from the encoded state’s state vector', () => {
    const a = device(7)
    a.doc.getMap('m').set('x', 1)
    const base = Y.encodeStateAsUpdate(a.doc)
    a.doc.getMap('m').set('y', 2)
    const tail = new DormantTail()
    tail.add(a.updates[1]!)
    expect(svOf(tail.stateVector(Y.encodeStateVectorFromUpdate(base)))).toEqual({ 7: 2 })
    expect(svOf(tail.stateVector(EMPTY_SV))).toEqual({}) // without the base it waits
  })

  it('counts a client’s structs that wait only for another client: the bytes are here', () => {
    const a = device(1)
    a.doc.getMap('m').set('a', 1)
    const b = device(2)
    Y.applyUpdate(b.doc, a.updates[0]!)
    b.doc.getMap('m').set('a', 2) // its origin is a's struct
    const tail = new DormantTail()
    tail.add(b.updates.at(-1)!)
    expect(svOf(tail.stateVector(EMPTY_SV))).toEqual({ 2: 1 })
    tail.add(a.updates[0]!)
    const reference = new Y.Doc()
    for (const u of tail.updates()) Y.applyUpdate(reference, u)
    expect(tail.stateVector(EMPTY_SV)).toEqual(Y.encodeStateVector(reference))
  })

  it('claims a run after a skip only once the skipped structs come, and nothing for a client written twice', () => {
    const a = device(3)
    for (let i = 0; i < 3; i++) a.doc.getMap('m').set(`k${i}`, i)
    // Merged without the middle update: clocks 0 and 2, a skip between them.
    const gapped = Y.mergeUpdates([a.updates[0]!, a.updates[2]!])
    const tail = new DormantTail()
    tail.add(gapped)
    expect(svOf(tail.stateVector(EMPTY_SV))).toEqual({ 3: 1 })
    tail.add(a.updates[1]!) // the missing one: the run after the skip counts now
    expect(svOf(tail.stateVector(EMPTY_SV))).toEqual({ 3: 3 })

    // One update listing client 3 twice (its first two updates' struct runs, each without its
    // client count and its empty delete set): Yjs reads one of them; neither counts.
    const [u0, u1] = [a.updates[0]!, a.updates[1]!]
    expect([u0[0], u0.at(-1), u1[0], u1.at(-1)]).toEqual([1, 0, 1, 0])
    const twice = new Uint8Array([2, ...u0.subarray(1, -1), ...u1.subarray(1, -1), 0])
    expect(() => Y.decodeUpdate(twice)).not.toThrow()
    const other = new DormantTail()
    other.add(twice)
    expect(svOf(other.stateVector(EMPTY_SV))).toEqual({})
  })

  it('hands the updates out as sync update frames, oldest first, and drops the oldest once folded', () => {
    const a = device(4)
    for (let i = 0; i < 3; i++) a.doc.getMap('m').set(`k${i}`, i)
    const tail = new DormantTail()
    for (const u of a.updates) tail.add(u)
    const frames = tail.frames().map((f) => decodeMessage(f))
    expect(frames.map((m) => (m.type === 'sync' ? [m.step, m.payload] : null))).toEqual(a.updates.map((u) => [2, u]))
    tail.dropOldest(2)
    expect(tail.updates()).toEqual([a.updates[2]])
    expect(tail.bytes).toBe(a.updates[2]!.length)
    tail.clear()
    expect([tail.length, tail.bytes]).toEqual([0, 0])
  })
})
