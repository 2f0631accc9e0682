// checkUpdateV1 must refuse exactly what Yjs cannot read: every kind of struct and content a
// document can hold passes, and on every truncation and on seeded corruptions of those updates it
// throws exactly when `Y.decodeUpdate` throws.
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { checkUpdateV1, UpdateFormatError } from './check-update'
import { sampleUpdates } from './sample-updates'

const yjsReads = (u: Uint8Array): boolean => {
  try {
    Y.decodeUpdate(u)
    return true
  } catch {
    return false
  }
}
const checkPasses = (u: Uint8Array): boolean => {
  try {
    checkUpdateV1(u)
    return true
  } catch (e) {
    expect(e).toBeInstanceOf(UpdateFormatError)
    return false
  }
}

/** Deterministic pseudo-random numbers (mulberry32). */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

describe('checkUpdateV1', () => {
  it.each(sampleUpdates())('accepts %s, as Yjs does', (_name, update) => {
    expect(yjsReads(update)).toBe(true)
    expect(() => checkUpdateV1(update)).not.toThrow()
  })

  it.each(sampleUpdates())('throws on every truncation of %s exactly when Yjs does', (_name, update) => {
    for (let n = 0; n < update.length; n++) {
      const cut = update.slice(0, n) // a copy: nothing after it in the buffer to read on into
      expect([n, checkPasses(cut)]).toEqual([n, yjsReads(cut)])
    }
  })

  it.each(sampleUpdates())('throws on corruptions of %s exactly when Yjs does', (_name, update) => {
    const next = random(update.length)
    for (let k = 0; k < 400; k++) {
      const bad = update.slice()
      const at = Math.floor(next() * bad.length)
      bad[at] = Math.floor(next() * 256)
      expect([k, at, checkPasses(bad)]).toEqual([k, at, yjsReads(bad)])
    }
  })

  it.each([
    ['valid two-, three- and four-byte characters', [0xc3, 0xa4, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x8f, 0xa2, 0x21]],
    ['an overlong encoding', [0xc0, 0x80, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41]],
    ['a surrogate', [0xed, 0xa0, 0x80, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41]],
    ['a cut-off sequence', [0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0xe2, 0x82]],
    ['a lone continuation byte', [0x80, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41]],
  ])('judges UTF-8 in strings as Yjs does: %s', (name, replacement) => {
    const doc = new Y.Doc()
    doc.getMap('m').set('k', 'ABCDEFGHIJ')
    const update = Y.encodeStateAsUpdate(doc)
    const at = Buffer.from(update).indexOf('ABCDEFGHIJ')
    const bad = update.slice()
    bad.set(replacement, at)
    expect(yjsReads(bad)).toBe(name.startsWith('valid'))
    expect(checkPasses(bad)).toBe(yjsReads(bad))
  })

  it('refuses what would have it read past the end of the update into the buffer after it', () => {
    const update = sampleUpdates()[0]![1]
    const buffer = new Uint8Array(update.length + 64).fill(1)
    buffer.set(update.subarray(0, update.length - 1))
    expect(() => checkUpdateV1(buffer.subarray(0, update.length - 1))).toThrow(UpdateFormatError)
  })

  it('refuses values nested deeper than any document needs', () => {
    const e = encoding.createEncoder()
    for (const n of [1, 1, 7, 0]) encoding.writeVarUint(e, n)
    encoding.writeUint8(e, 8) // any content
    encoding.writeVarUint(e, 1) // parent by name
    encoding.writeVarString(e, 'm')
    encoding.writeVarUint(e, 1) // one value
    for (let i = 0; i < 5_000; i++) {
      encoding.writeUint8(e, 117) // an array
      encoding.writeVarUint(e, 1)
    }
    encoding.writeUint8(e, 126)
    encoding.writeVarUint(e, 0)
    expect(() => checkUpdateV1(encoding.toUint8Array(e))).toThrow(/nested too deep/)
  })
})
