// A room's book, dormant or awake: what wakes it, what may put it back to sleep, and that the
// state it serves or folds is the document's whatever state it is in.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { decodeMessage } from '@crm-sync/protocol'
import { createMetrics } from '../metrics'
import { RoomDocument } from './room-document'

const bookWith = (entries: Record<string, string>): Y.Doc => {
  const doc = new Y.Doc()
  for (const [k, v] of Object.entries(entries)) doc.getMap('customers').set(k, v)
  return doc
}

const syncPayload = (frame: Uint8Array): Uint8Array => {
  const m = decodeMessage(frame)
  if (m.type !== 'sync') throw new Error('expected a sync frame')
  return m.payload
}

const contentOf = (update: Uint8Array): unknown => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return doc.getMap('customers').toJSON()
}

describe('RoomDocument', () => {
  it('serves sync from the encoded state without waking, and wakes on the first use of doc', async () => {
    const metrics = createMetrics()
    const original = bookWith({ c1: 'Acme', c2: 'Globex' })
    const book = RoomDocument.dormant(metrics, Y.encodeStateAsUpdate(original))
    expect(syncPayload(book.syncStep1())).toEqual(Y.encodeStateVector(original))
    expect(contentOf(syncPayload(book.syncStep2(new Uint8Array([0]))))).toEqual({ c1: 'Acme', c2: 'Globex' })
    expect(book.isDormant).toBe(true)
    expect(await metrics.bookWakes.get()).toMatchObject({ values: [{ value: 0 }] })

    expect(book.doc.getMap('customers').get('c2')).toBe('Globex')
    expect(book.isDormant).toBe(false)
    expect(await metrics.bookWakes.get()).toMatchObject({ values: [{ value: 1 }] })
  })

  it('loads a snapshot and the log after it into one awake document', () => {
    const doc = bookWith({ c1: 'Acme' })
    const snapshot = Y.encodeStateAsUpdate(doc)
    const before = Y.encodeStateVector(doc)
    doc.getMap('customers').set('c2', 'Globex')
    const book = RoomDocument.decoded(createMetrics(), snapshot, [Y.encodeStateAsUpdate(doc, before)])
    expect(book.isDormant).toBe(false)
    expect(book.doc.getMap('customers').toJSON()).toEqual({ c1: 'Acme', c2: 'Globex' })
  })

  it('hibernates only when unused since the last call, not held and not busy, and keeps every change', () => {
    const book = RoomDocument.dormant(createMetrics(), Y.encodeStateAsUpdate(bookWith({ c1: 'Acme' })))
    book.doc.getMap('customers').set('c1', 'Acme Ltd')
    expect(book.hibernate(false)).toBe(false) // used since the last call
    expect(book.hibernate(true)).toBe(false) // a write or compaction in flight
    const release = book.holdAwake()
    expect(book.hibernate(false)).toBe(false)
    release()
    release() // a second release changes nothing
    expect(book.hibernate(false)).toBe(true)
    expect(book.isDormant).toBe(true)
    expect(contentOf(book.wholeState())).toEqual({ c1: 'Acme Ltd' })
    expect(book.doc.getMap('customers').get('c1')).toBe('Acme Ltd')
  })

  it('never serves a whole state older than the document', () => {
    const book = RoomDocument.dormant(createMetrics(), Y.encodeStateAsUpdate(bookWith({ c1: 'Acme' })))
    const first = book.fullStateStep2()
    expect(book.fullStateStep2()).toBe(first) // encoded once per version
    book.doc.getMap('customers').set('c2', 'Globex')
    expect(contentOf(syncPayload(book.fullStateStep2()))).toEqual({ c1: 'Acme', c2: 'Globex' })
    book.doc.getMap('customers').set('c3', 'Initech')
    expect(contentOf(book.wholeState())).toEqual({ c1: 'Acme', c2: 'Globex', c3: 'Initech' })
    const lagging = new Y.Doc()
    Y.applyUpdate(lagging, syncPayload(first))
    Y.applyUpdate(lagging, syncPayload(book.syncStep2(Y.encodeStateVector(lagging))))
    expect(lagging.getMap('customers').toJSON()).toEqual({ c1: 'Acme', c2: 'Globex', c3: 'Initech' })
  })

  it('adopts a whole state made elsewhere only while no transaction ran since, and then hibernates on it', () => {
    const metrics = createMetrics()
    const book = RoomDocument.decoded(metrics, null, [Y.encodeStateAsUpdate(bookWith({ c1: 'Acme' }))])
    book.doc.getMap('customers').set('c2', 'Globex')
    const made = Y.encodeStateAsUpdate(book.doc)
    const at = book.transactionCount

    book.doc.getMap('customers').set('c3', 'Initech') // the document moved on: the state made at `at` is stale
    expect(book.adoptWholeState(made, at)).toBe(false)
    expect(book.hasWholeState).toBe(false)

    const current = Y.encodeStateAsUpdate(book.doc)
    expect(book.adoptWholeState(current, book.transactionCount)).toBe(true)
    expect(book.hasWholeState).toBe(true)
    expect(book.wholeState()).toEqual(current)
    expect(book.hibernate(false)).toBe(false) // used since the last call
    expect(book.idleSinceLastSweep).toBe(true)
    expect(book.hibernate(false)).toBe(true)
    expect(contentOf(book.wholeState())).toEqual({ c1: 'Acme', c2: 'Globex', c3: 'Initech' })
  })

  it('lets go of everything on destroy', () => {
    const book = RoomDocument.dormant(createMetrics(), Y.encodeStateAsUpdate(bookWith({ c1: 'Acme' })))
    const doc = book.doc
    book.destroy()
    expect(doc.isDestroyed).toBe(true)
    expect(book.isDormant).toBe(true)
  })
})
