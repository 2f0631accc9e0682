import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { replaceText } from './notes'

function textOf(initial: string): Y.Text {
  const doc = new Y.Doc()
  const text = doc.getText('t')
  text.insert(0, initial)
  return text
}

describe('replaceText', () => {
  it('reaches the target text and reports whether it changed', () => {
    const text = textOf('Visit on Monday.\nBring samples.')
    expect(replaceText(text, 'Visit on Tuesday.\nBring samples and the catalogue.')).toBe(true)
    expect(text.toString()).toBe('Visit on Tuesday.\nBring samples and the catalogue.')
    expect(replaceText(text, text.toString())).toBe(false)
  })

  it('edits only the changed characters', () => {
    const text = textOf('abc def ghi')
    const deltas: unknown[] = []
    text.observe((e) => deltas.push(e.delta))
    text.doc!.transact(() => replaceText(text, 'abc DEF ghi'))
    expect(deltas).toEqual([[{ retain: 4 }, { delete: 3 }, { insert: 'DEF' }]])
  })

  it('never splits a surrogate pair (emoji and other astral characters)', () => {
    const text = textOf('Deal 😀 closed 𝔸')
    replaceText(text, 'Deal 😁 closed 𝔹!')
    expect(text.toString()).toBe('Deal 😁 closed 𝔹!')
    expect(text.toString()).not.toContain('\uFFFD')
  })
})
