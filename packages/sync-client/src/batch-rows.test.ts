// A batch's rows: runs of small updates merged, a large one kept as it came, order kept, and
// the rows together always rebuild exactly the document the updates do.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { batchRows, OWN_ROW_BYTES } from './batch-rows'

const editsOf = (doc: Y.Doc, edit: () => void): Uint8Array[] => {
  const out: Uint8Array[] = []
  const on = (u: Uint8Array): void => void out.push(u)
  doc.on('update', on)
  edit()
  doc.off('update', on)
  return out
}

const rebuilt = (rows: readonly Uint8Array[]): Y.Doc => {
  const doc = new Y.Doc()
  for (const r of rows) Y.applyUpdate(doc, r)
  return doc
}

describe('batchRows', () => {
  it('merges a run of keystrokes into one row', () => {
    const doc = new Y.Doc()
    const text = doc.getText('notes')
    const updates = editsOf(doc, () => {
      for (let i = 0; i < 50; i++) text.insert(i, 'x')
    })
    const rows = batchRows(updates)
    expect(rows).toHaveLength(1)
    expect(rebuilt(rows).getText('notes').toString()).toBe('x'.repeat(50))
  })

  it('keeps a large update as it came, between merged runs of small ones', () => {
    const doc = new Y.Doc()
    const notes = doc.getText('notes')
    const before = editsOf(doc, () => {
      notes.insert(0, 'a')
      notes.insert(1, 'b')
    })
    const big = editsOf(doc, () => notes.insert(2, 'y'.repeat(OWN_ROW_BYTES)))
    const after = editsOf(doc, () => {
      notes.insert(0, 'c')
      doc.getMap('book').set('name', 'Big')
    })
    expect(big).toHaveLength(1)
    const rows = batchRows([...before, ...big, ...after])
    expect(rows).toHaveLength(3)
    expect(rows[1]).toBe(big[0]) // not decoded and encoded again
    const copy = rebuilt(rows)
    expect(copy.getText('notes').toString()).toBe(notes.toString())
    expect(copy.getMap('book').get('name')).toBe('Big')
    expect(Y.encodeStateVector(copy)).toEqual(Y.encodeStateVector(doc))
  })

  it('returns nothing for nothing and a lone update as it is', () => {
    expect(batchRows([])).toEqual([])
    const doc = new Y.Doc()
    const [one] = editsOf(doc, () => doc.getMap('book').set('name', 'One'))
    expect(batchRows([one!])[0]).toBe(one)
  })
})
