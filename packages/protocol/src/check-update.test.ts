// checkUpdateV1 must refuse what Yjs cannot read, and what Yjs reads but cannot apply without
// throwing half-way: every kind of struct and content a document can hold passes, and so does
// every update of random editing sessions; on every truncation it throws exactly when
// `Y.decodeUpdate` throws; of seeded corruptions it passes only what Yjs applies whole.
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
const yjsApplies = (u: Uint8Array, onto: Uint8Array | null): boolean => {
  const doc = new Y.Doc()
  if (onto) Y.applyUpdate(doc, onto)
  try {
    Y.applyUpdate(doc, u)
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

  it.each(sampleUpdates())('passes only corruptions of %s that Yjs reads and applies whole', (_name, update) => {
    const next = random(update.length)
    let refusedReadable = 0
    for (let k = 0; k < 2_000; k++) {
      const bad = update.slice()
      for (let flips = 1 + Math.floor(next() * 2); flips > 0; flips--) bad[Math.floor(next() * bad.length)] = Math.floor(next() * 256)
      const passes = checkPasses(bad)
      if (!yjsReads(bad)) expect([k, passes]).toEqual([k, false])
      else if (!passes) {
        refusedReadable++
        expect(() => checkUpdateV1(bad)).toThrow(/is not earlier than its item|deleted range of length 0/)
      }
      if (passes) {
        expect([k, yjsApplies(bad, null)]).toEqual([k, true])
        expect([k, yjsApplies(bad, update)]).toEqual([k, true])
      }
    }
    expect(refusedReadable).toBeLessThan(200) // the extra rules catch a few corruptions, not most
  })

  it.each([
    ['an origin', [0x88, 5, 7]],
    ['a right origin', [0x48, 5, 1]],
    ['a parent', [0x08, 0, 5, 1]],
  ])('refuses %s of the item’s own client that is not earlier than the item, which Yjs reads but throws on half-way', (_what, second) => {
    const e = encoding.createEncoder()
    for (const n of [1, 2, 5, 0]) encoding.writeVarUint(e, n) // one client: 2 structs of client 5 from clock 0
    encoding.writeUint8(e, 0x28) // any content, with a map key
    encoding.writeVarUint(e, 1) // parent by name
    encoding.writeVarString(e, 'm')
    encoding.writeVarString(e, 'first')
    encoding.writeVarUint(e, 1)
    encoding.writeAny(e, 'kept')
    const [info, ...id] = second
    encoding.writeUint8(e, info!)
    for (const n of id) encoding.writeVarUint(e, n) // client 5, a clock not before 1; for a parent, 0 first: by id
    encoding.writeVarUint(e, 1)
    encoding.writeAny(e, 'second')
    encoding.writeVarUint(e, 0) // no deletions
    const update = encoding.toUint8Array(e)

    expect(yjsReads(update)).toBe(true)
    const doc = new Y.Doc()
    expect(() => Y.applyUpdate(doc, update)).toThrow()
    expect(doc.getMap('m').get('first')).toBe('kept') // the half that Yjs integrated before it threw
    expect(() => checkUpdateV1(update)).toThrow(/is not earlier than its item 5:1/)
  })

  it('refuses a deleted range of length 0, which Yjs reads but throws on when it keeps the range for later', () => {
    const e = encoding.createEncoder()
    for (const n of [0, 1, 9, 1, 3, 0]) encoding.writeVarUint(e, n) // no structs; client 9 deletes 0 clocks at 3
    const update = encoding.toUint8Array(e)
    expect(yjsReads(update)).toBe(true)
    expect(() => Y.applyUpdate(new Y.Doc(), update)).toThrow()
    expect(() => checkUpdateV1(update)).toThrow(/deleted range of length 0/)
  })

  it('passes every update of random editing sessions on several devices', () => {
    const next = random(2026)
    const devices = [new Y.Doc(), new Y.Doc(), new Y.Doc()]
    const seen: Uint8Array[] = []
    for (const d of devices) d.on('update', (u: Uint8Array) => seen.push(u))
    for (let step = 0; step < 1_500; step++) {
      const d = devices[Math.floor(next() * devices.length)]!
      const customers = d.getMap<Y.Map<unknown>>('customers')
      const id = `c${Math.floor(next() * 12)}`
      const roll = next()
      if (roll < 0.15 || !customers.has(id)) {
        const c = new Y.Map<unknown>()
        customers.set(id, c)
        c.set('notes', new Y.Text('hello'))
        c.set('tags', Y.Array.from(['a']))
      } else if (roll < 0.3) customers.delete(id)
      else {
        const c = customers.get(id)!
        const notes = c.get('notes') as Y.Text
        const tags = c.get('tags') as Y.Array<string>
        if (roll < 0.5) c.set('name', `name ${step}`)
        else if (roll < 0.65) notes.insert(Math.floor(next() * (notes.length + 1)), 'xy')
        else if (roll < 0.75 && notes.length > 0) notes.delete(Math.floor(next() * notes.length), 1)
        else if (roll < 0.85) tags.insert(Math.floor(next() * (tags.length + 1)), [`t${step}`])
        else if (tags.length > 0) tags.delete(0, 1)
      }
      if (next() < 0.2) {
        // two devices sync: each sends what the other lacks
        const [a, b] = [devices[Math.floor(next() * 3)]!, devices[Math.floor(next() * 3)]!]
        Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
        Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
      }
    }
    for (const d of devices) seen.push(Y.encodeStateAsUpdate(d), Y.encodeStateAsUpdate(d, Y.encodeStateVector(devices[0]!)))
    seen.push(Y.mergeUpdates(seen.slice(0, 200)))
    for (const u of seen) expect(() => checkUpdateV1(u)).not.toThrow()
    expect(seen.length).toBeGreaterThan(1_000)
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
