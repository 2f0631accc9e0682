// checkUpdateV1 must refuse exactly what Yjs cannot read: every kind of struct and content a
// document can hold passes, and on every truncation and on seeded corruptions of those updates it
// throws exactly when `Y.decodeUpdate` throws.
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { checkUpdateV1, UpdateFormatError } from './check-update'

/** Updates covering GC, skip, deleted, JSON, binary, string, embed, format, every type, any, doc. */
const sampleUpdates = (): Array<[string, Uint8Array]> => {
  const doc = new Y.Doc({ gc: false })
  const map = doc.getMap<unknown>('customers')
  const text = doc.getText('notes')
  const xml = doc.getXmlFragment('page')
  doc.transact(() => {
    const c = new Y.Map<unknown>()
    map.set('c1', c)
    c.set('name', 'Ärzte & Söhne GmbH 🏢')
    c.set('n', 42)
    c.set('neg', -7_000_000_000)
    c.set('f', 1.5)
    c.set('big', 2n ** 60n)
    c.set('flags', [true, false, null, { deep: { deeper: ['x', 1] } }])
    c.set('bytes', new Uint8Array([1, 2, 3]))
    c.set('nothing', undefined)
    c.set('list', Y.Array.from(['a', 'b']))
    c.set('sub', new Y.Doc({ guid: 'sub-doc', meta: { kind: 'attachment' } }))
    text.insert(0, 'Hello world')
    text.format(0, 5, { bold: true })
    text.insertEmbed(5, { image: 'https://example.com/a.png' })
    const el = new Y.XmlElement('p')
    el.setAttribute('class', 'lead')
    el.insert(0, [new Y.XmlText('para')])
    xml.insert(0, [el, new Y.XmlHook('hook') as unknown as Y.XmlElement]) // a hook is a fragment child too
  })
  const full = Y.encodeStateAsUpdate(doc)
  const before = Y.encodeStateVector(doc)
  doc.transact(() => {
    map.delete('c1')
    text.delete(0, 3)
  })
  const deletes = Y.encodeStateAsUpdate(doc, before)

  // GC structs: a collected document, and a skip: two updates of one client with a gap between.
  const gcDoc = new Y.Doc()
  Y.applyUpdate(gcDoc, Y.mergeUpdates([full, deletes]))
  const collected = Y.encodeStateAsUpdate(gcDoc)
  const writer = new Y.Doc()
  const parts: Uint8Array[] = []
  writer.on('update', (u: Uint8Array) => parts.push(u))
  for (let i = 0; i < 3; i++) writer.getMap('m').set(`k${i}`, i)
  const withSkip = Y.mergeUpdates([parts[0]!, parts[2]!])

  return [
    ['every content kind', full],
    ['deletions', deletes],
    ['garbage-collected', collected],
    ['a skip', withSkip],
    ['legacy JSON content', legacyJsonUpdate()],
    ['empty', Y.encodeStateAsUpdate(new Y.Doc())],
  ]
}

/** One item with ContentJSON (what Yjs before 13 wrote), encoded by hand. */
const legacyJsonUpdate = (): Uint8Array => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1) // one client
  encoding.writeVarUint(e, 1) // one struct
  encoding.writeVarUint(e, 7) // client
  encoding.writeVarUint(e, 0) // clock
  encoding.writeUint8(e, 2) // info: JSON content, parent is a root type
  encoding.writeVarUint(e, 1) // parent by name
  encoding.writeVarString(e, 'legacy')
  encoding.writeVarUint(e, 2)
  encoding.writeVarString(e, 'undefined')
  encoding.writeVarString(e, '{"a":[1,2]}')
  encoding.writeVarUint(e, 0) // empty delete set
  return encoding.toUint8Array(e)
}

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
