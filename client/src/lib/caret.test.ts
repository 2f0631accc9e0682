import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { transformPosition, type TextDelta } from './caret'

/** The delta a remote edit produces on a Y.Text holding `text`. */
function deltaOf(text: string, edit: (t: Y.Text) => void): TextDelta {
  const doc = new Y.Doc()
  const t = doc.getText('t')
  t.insert(0, text)
  let delta: TextDelta = []
  t.observe((e) => (delta = e.delta as TextDelta))
  edit(t)
  return delta
}

describe('transformPosition', () => {
  it('moves the caret by text inserted before it, not after it', () => {
    const d = deltaOf('Hello world', (t) => t.insert(0, 'Well, '))
    expect(transformPosition(5, d)).toBe(11)
    expect(transformPosition(0, d)).toBe(0) // an insert exactly at the caret lands after it
    const after = deltaOf('Hello world', (t) => t.insert(8, 'XX'))
    expect(transformPosition(5, after)).toBe(5)
  })

  it('pulls the caret back by text deleted before it, and into a deleted range', () => {
    const d = deltaOf('Hello world', (t) => t.delete(0, 6))
    expect(transformPosition(8, d)).toBe(2)
    expect(transformPosition(3, d)).toBe(0)
    expect(transformPosition(6, d)).toBe(0)
  })

  it('follows several operations in one delta', () => {
    const d = deltaOf('abcdef', (t) => t.doc!.transact(() => {
      t.delete(1, 1) // acdef
      t.insert(3, 'XYZ') // acdXYZef
    }))
    expect(transformPosition(4, d)).toBe(3) // was before "e", still before "e"
    expect(transformPosition(5, d)).toBe(7)
  })
})
