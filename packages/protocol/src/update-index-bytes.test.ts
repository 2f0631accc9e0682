// An index as bytes comes back as the same parts, and an index rebuilt from them answers as the
// walked one (random multi-device sessions); bytes of another format, cut short, with extra bytes
// or with parts that cannot describe an update are refused.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { UpdateIndex } from './update-index'
import { decodeIndexParts, encodeIndexParts, IndexBytesError } from './update-index-bytes'
import { playSession as play, sessionOp as op } from './testing/random-sessions'

/** A book's update with many structs from a few clients: past the checkpoint spacing. */
const bookUpdate = () => {
  const docs = [1, 2, 3].map((client) => {
    const doc = new Y.Doc()
    doc.clientID = client
    for (let i = 0; i < 100; i++) doc.getMap('m').set(`k${i % 20}`, `${client}:${i}`)
    doc.getText('t').insert(0, 'x'.repeat(client * 10))
    return doc
  })
  return Y.mergeUpdates(docs.map((d) => Y.encodeStateAsUpdate(d)))
}

/** Writable parts, for tampering. */
interface LooseParts {
  deleteSetStart: number
  deleteSetEnd: number
  sections: { client: number; count: number; end: number; endClock: number; knownThrough: number; checkpoints: number[] }[]
}

/** Parts rewritten by `change` (a copy), as bytes. */
const tampered = (update: Uint8Array, change: (parts: LooseParts) => void) => {
  const parts = structuredClone(UpdateIndex.of(update).parts()) as LooseParts
  change(parts)
  return encodeIndexParts(parts)
}

describe('index parts as bytes', () => {
  it('come back as the same parts, and the rebuilt index answers as the walked one', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const { docs, states } = play(ops)
        const update = Y.encodeStateAsUpdate(docs[0]!)
        const walked = UpdateIndex.of(update)
        const parts = decodeIndexParts(encodeIndexParts(walked.parts()))
        expect(parts).toEqual(walked.parts())
        const rebuilt = UpdateIndex.fromParts(update, parts)
        expect(rebuilt.stateVector()).toEqual(walked.stateVector())
        for (const state of states) {
          const sv = Y.encodeStateVectorFromUpdate(state)
          expect(rebuilt.diff(sv)).toEqual(walked.diff(sv))
        }
      }),
      { numRuns: 60 },
    )
    const big = bookUpdate()
    expect(decodeIndexParts(encodeIndexParts(UpdateIndex.of(big).parts()))).toEqual(UpdateIndex.of(big).parts())
  })

  it('refuses another format, bytes cut short or left over, and parts that do not hang together', () => {
    const update = bookUpdate()
    const good = encodeIndexParts(UpdateIndex.of(update).parts())
    const refused = (bytes: Uint8Array, message: RegExp) => expect(() => decodeIndexParts(bytes)).toThrowError(message)
    const otherFormat = encoding.createEncoder()
    encoding.writeVarUint(otherFormat, 2)
    refused(encoding.toUint8Array(otherFormat), /format 2/)
    refused(good.subarray(0, good.length - 1), /cut short/)
    refused(new Uint8Array([...good, 0]), /left over/)
    refused(new Uint8Array(0), /cut short/)
    refused(tampered(update, (p) => (p.deleteSetEnd = p.deleteSetStart - 1)), /delete set ends before/)
    refused(tampered(update, (p) => p.sections.reverse()), /outside/)
    refused(tampered(update, (p) => (p.sections[0]!.end = p.deleteSetStart + 1)), /outside/)
    refused(tampered(update, (p) => (p.sections[0]!.knownThrough = p.sections[0]!.endClock + 1)), /past its end/)
    refused(tampered(update, (p) => p.sections[0]!.checkpoints.push(1)), /checkpoint numbers/)
    refused(tampered(update, (p) => p.sections[0]!.checkpoints.reverse()), /out of order or outside/)
    refused(tampered(update, (p) => (p.sections[0]!.checkpoints[1] = p.sections[0]!.end)), /out of order or outside/)
    expect(() => decodeIndexParts(new Uint8Array([9]))).toThrowError(IndexBytesError)
  })
})
