import { describe, expect, it } from 'vitest'
import { spliceBetween } from './text-splice'

const apply = (s: string, sp: { index: number; deleteCount: number; insert: string } | null) =>
  sp ? s.slice(0, sp.index) + sp.insert + s.slice(sp.index + sp.deleteCount) : s

describe('spliceBetween', () => {
  it('finds a typed character, using the caret where the text alone is ambiguous', () => {
    // Typing "a" after the first "a" of "aa": the caret says where.
    expect(spliceBetween('aa', 'aaa', 2)).toEqual({ index: 1, deleteCount: 0, insert: 'a' })
    expect(spliceBetween('aa', 'aaa', 1)).toEqual({ index: 0, deleteCount: 0, insert: 'a' })
    expect(spliceBetween('aa', 'aaa', 3)).toEqual({ index: 2, deleteCount: 0, insert: 'a' })
  })

  it('handles deletes, replacements of a selection and pastes', () => {
    expect(spliceBetween('hello world', 'hello', 5)).toEqual({ index: 5, deleteCount: 6, insert: '' })
    expect(spliceBetween('hello world', 'hello there world', 12)).toEqual({ index: 6, deleteCount: 0, insert: 'there ' })
    expect(spliceBetween('hello world', 'help world', 3)).toEqual({ index: 3, deleteCount: 2, insert: 'p' })
    expect(spliceBetween('same', 'same', 2)).toBeNull()
  })

  it('always reproduces the new text, whatever the caret says', () => {
    const cases: Array<[string, string]> = [['abc', 'xabcx'], ['', 'new'], ['old', ''], ['aXbXc', 'abc'], ['aaaa', 'aa']]
    for (const [before, after] of cases) {
      for (let caret = 0; caret <= after.length; caret++) expect(apply(before, spliceBetween(before, after, caret))).toBe(after)
    }
  })

  it('never cuts a surrogate pair in half', () => {
    const sp = spliceBetween('a😀b', 'a😃b', 3)!
    expect(sp.insert).toBe('😃')
    expect(sp.deleteCount).toBe(2)
    expect(apply('a😀b', sp)).toBe('a😃b')
  })
})
