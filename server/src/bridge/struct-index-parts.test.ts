// The small tables under the StructIndex, each against the plain structure it stands in for.
import { seededRandom } from '@crm-sync/model'
import { describe, expect, it } from 'vitest'
import { ByteKeys } from './byte-keys'
import { IdRanges } from './id-ranges'
import { KeySlabs } from './key-slabs'
import { PairTable } from './pair-table'

describe('IdRanges', () => {
  it('holds the same clocks as a Set, merging touching ranges', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = seededRandom(seed)
      const ranges = new IdRanges()
      const set = new Set<number>()
      for (let n = 0; n < 60; n++) {
        const start = r.int(0, 200)
        const end = start + r.int(0, 12)
        ranges.add(start, end)
        for (let c = start; c < end; c++) set.add(c)
        const a = r.int(0, 210)
        const b = a + r.int(1, 6)
        expect(ranges.has(a)).toBe(set.has(a))
        expect(ranges.covers(a, b)).toBe(Array.from({ length: b - a }, (_, i) => a + i).every((c) => set.has(c)))
      }
      // Disjoint and not touching: as few ranges as the set's runs.
      const sorted = [...set].sort((x, y) => x - y)
      const runs = sorted.filter((c, i) => i === 0 || sorted[i - 1] !== c - 1).length
      expect(ranges.size).toBe(runs)
    }
  })
})

describe('PairTable', () => {
  it('stores what a Map keyed by the pair stores, through many resizes', () => {
    const r = seededRandom(7)
    const table = new PairTable()
    const map = new Map<string, number>()
    for (let n = 0; n < 20_000; n++) {
      const a = r.int(0, 5_000)
      const b = r.int(0, 40)
      if (r.chance(0.6)) {
        table.set(a, b, n)
        map.set(`${a}/${b}`, n)
      } else expect(table.get(a, b)).toBe(map.get(`${a}/${b}`))
    }
    expect(table.size).toBe(map.size)
  })

  it('refuses pairs it cannot pack exactly', () => {
    expect(() => new PairTable().set(1, 2 ** 26, 0)).toThrow(RangeError)
  })
})

describe('KeySlabs', () => {
  it('stores what a Map keyed by the pair stores, small types in slabs and large ones hashed', () => {
    const r = seededRandom(11)
    const slabs = new KeySlabs()
    const map = new Map<string, number>()
    for (let n = 0; n < 30_000; n++) {
      // Type 0 gets hundreds of keys (like `customers`), the others a handful each.
      const type = r.chance(0.2) ? 0 : r.int(1, 3_000)
      const key = type === 0 ? r.int(0, 800) : r.int(0, r.chance(0.9) ? 10 : 60)
      if (r.chance(0.6)) {
        slabs.set(type, key, n)
        map.set(`${type}/${key}`, n)
      } else expect(slabs.get(type, key)).toBe(map.get(`${type}/${key}`) ?? -1)
    }
    for (const [k, v] of map) {
      const [type, key] = k.split('/').map(Number) as [number, number]
      expect(slabs.get(type, key)).toBe(v)
    }
  })
})

describe('ByteKeys', () => {
  it('gives one number per spelling and the string back', () => {
    const keys = new ByteKeys()
    const enc = new TextEncoder()
    const words = Array.from({ length: 3_000 }, (_, i) => (i % 7 === 0 ? `Straße ${i} 🏢` : `k${i}`))
    const ids = words.map((w) => {
      const bytes = enc.encode(`..${w}..`)
      return keys.id(bytes, 2, bytes.length - 2)
    })
    expect(new Set(ids).size).toBe(words.length)
    words.forEach((w, i) => {
      const bytes = enc.encode(w)
      expect(keys.id(bytes, 0, bytes.length)).toBe(ids[i])
      expect(keys.name(ids[i]!)).toBe(w)
    })
    expect(keys.id(new Uint8Array(0), 0, 0)).toBe(keys.id(new Uint8Array(4), 2, 2))
  })
})
