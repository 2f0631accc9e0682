// The notes merge: the diff itself, and both sides' edits replayed together.
import { describe, expect, it } from 'vitest'
import { diffChars, mergeText } from './text-merge'

const apply = (a: string, b: string) => {
  const chars = Array.from(a)
  const edits = diffChars(chars, Array.from(b))
  let out = ''
  let p = 0
  for (const e of edits) {
    out += chars.slice(p, e.from).join('') + e.insert.join('')
    p = e.to
  }
  return out + chars.slice(p).join('')
}

describe('text merge', () => {
  it('diff reproduces the target', () => {
    for (const [a, b] of [['', 'abc'], ['abc', ''], ['kitten', 'sitting'], ['the quick brown fox', 'the quack brown box!'], ['😀a', 'a😀']]) {
      expect(apply(a!, b!)).toBe(b)
    }
  })

  it('edits in different places both survive', () => {
    const base = 'Call on Mondays. Prefers email.'
    const ours = 'Call on Tuesdays. Prefers email.'
    const theirs = 'Call on Mondays. Prefers email. VIP.'
    expect(mergeText(base, ours, theirs)).toEqual({ text: 'Call on Tuesdays. Prefers email. VIP.', clean: true })
  })

  it('one side unchanged takes the other', () => {
    expect(mergeText('a', 'a', 'b').text).toBe('b')
    expect(mergeText('a', 'c', 'a').text).toBe('c')
  })

  it('the same stretch edited on both sides keeps both versions and says so', () => {
    const r = mergeText('price 100', 'price 120', 'price 150')
    // Character-level: both replaced the same '0'; neither replacement is lost.
    expect(r).toEqual({ text: 'price 1250', clean: false })
  })

  it('identical edits on both sides are applied once', () => {
    expect(mergeText('abc', 'abXc', 'abXc')).toEqual({ text: 'abXc', clean: true })
    expect(mergeText('abc def', 'abX def!', 'abX def')).toEqual({ text: 'abX def!', clean: true })
  })
})
