// A book that went back to sleep must let go of its decoded document: that is what sleeping is for
// (≈160 MB of heap for 10,000 customers). Forced collections through V8's gc, exposed here.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createMetrics } from '../metrics'
import { RoomDocument } from './room-document'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Whether the document `ref` names is gone after a few full collections, each in a later task. */
const collected = async (ref: WeakRef<Y.Doc>): Promise<boolean> => {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 10))
    gc()
    if (ref.deref() === undefined) return true
  }
  return false
}

/** Wakes the book and returns a weak reference to the document it decoded (no strong one left behind). */
const wake = (book: RoomDocument): WeakRef<Y.Doc> => {
  const doc = book.doc
  doc.getMap('customers').set('c2', 'Woken')
  return new WeakRef(doc)
}

describe('RoomDocument memory', () => {
  it('lets the garbage collector take the document of a book that went back to sleep', async () => {
    const seed = new Y.Doc()
    seed.getMap('customers').set('c1', 'Acme')
    const book = RoomDocument.dormant(createMetrics(), Y.encodeStateAsUpdate(seed))
    const first = wake(book)
    book.hibernate(false)
    expect(book.hibernate(false)).toBe(true)
    expect(await collected(first)).toBe(true)
    // And again: every wake's document, not only the first.
    const second = wake(book)
    book.hibernate(false)
    expect(book.hibernate(false)).toBe(true)
    expect(await collected(second)).toBe(true)
  })

  it('lets go of the document of a book that loaded awake, once it sleeps', async () => {
    const seed = new Y.Doc()
    seed.getMap('customers').set('c1', 'Acme')
    const book = RoomDocument.decoded(createMetrics(), null, [Y.encodeStateAsUpdate(seed)])
    const ref = new WeakRef(book.doc)
    book.hibernate(false)
    expect(book.hibernate(false)).toBe(true)
    expect(await collected(ref)).toBe(true)
  })
})
