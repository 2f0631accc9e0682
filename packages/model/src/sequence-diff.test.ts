import { describe, expect, it } from 'vitest'
import { diffSequences, type SequenceEdit } from './sequence-diff'
import { seededRandom } from './seeded-random'

function apply<T>(a: readonly T[], edits: SequenceEdit<T>[]): T[] {
  const out = [...a]
  for (let i = edits.length - 1; i >= 0; i--) {
    const e = edits[i]!
    out.splice(e.index, e.deleteCount, ...e.insert)
  }
  return out
}

const cost = <T>(edits: SequenceEdit<T>[]) => edits.reduce((n, e) => n + e.deleteCount + e.insert.length, 0)

/** Edit distance with inserts and deletes only, by dynamic programming. */
function distance(a: string[], b: string[]): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = a[i - 1] === b[j - 1] ? d[i - 1]![j - 1]! : 1 + Math.min(d[i - 1]![j]!, d[i]![j - 1]!)
    }
  }
  return d[a.length]![b.length]!
}

describe('diffSequences', () => {
  it('returns nothing for equal sequences', () => {
    expect(diffSequences([...'same'], [...'same'])).toEqual([])
  })

  it('keeps two far-apart changes as two small edits', () => {
    const a = [...'The quick brown fox jumps over the lazy dog']
    const b = [...'A quick brown fox jumps over the lazy cat']
    const edits = diffSequences(a, b)
    expect(edits.length).toBeGreaterThanOrEqual(2)
    expect(apply(a, edits).join('')).toBe(b.join(''))
    expect(cost(edits)).toBe(distance(a, b))
  })

  it('finds a minimal edit script on random inputs', () => {
    const r = seededRandom(7)
    for (let round = 0; round < 300; round++) {
      const a = Array.from({ length: r.int(0, 30) }, () => r.pick(['a', 'b', 'c', 'd']))
      const b = Array.from({ length: r.int(0, 30) }, () => r.pick(['a', 'b', 'c', 'd']))
      const edits = diffSequences(a, b)
      expect(apply(a, edits)).toEqual(b)
      expect(cost(edits)).toBe(distance(a, b))
      for (let i = 1; i < edits.length; i++) expect(edits[i]!.index).toBeGreaterThan(edits[i - 1]!.index)
    }
  })

  it('falls back to one replacement for very different long inputs, still correct', () => {
    const r = seededRandom(3)
    const a = Array.from({ length: 3000 }, () => r.pick(['x', 'y']))
    const b = Array.from({ length: 3000 }, () => r.pick(['p', 'q']))
    expect(apply(a, diffSequences(a, b))).toEqual(b)
  })
})
