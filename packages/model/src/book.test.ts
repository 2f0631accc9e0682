import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SCHEMA_VERSION, customersMap, initBook, readBookMeta } from './book'
import { countUpdates } from './test-helpers'

describe('book', () => {
  it('reads an uninitialised book as empty, version 0', () => {
    expect(readBookMeta(new Y.Doc())).toEqual({ name: '', schemaVersion: 0 })
  })

  it('initBook stamps name and schema version under the contract keys', () => {
    const doc = new Y.Doc()
    initBook(doc, { name: 'North territory' })
    expect(readBookMeta(doc)).toEqual({ name: 'North territory', schemaVersion: SCHEMA_VERSION })
    expect(doc.getMap('book').toJSON()).toEqual({ name: 'North territory', schemaVersion: 1 })
  })

  it('initBook again with the same name writes nothing', () => {
    const doc = new Y.Doc()
    initBook(doc, { name: 'A' })
    expect(countUpdates(doc, () => initBook(doc, { name: 'A' }))).toBe(0)
    expect(countUpdates(doc, () => initBook(doc, { name: 'B' }))).toBe(1)
  })

  it('customersMap is the top-level "customers" map', () => {
    const doc = new Y.Doc()
    expect(customersMap(doc)).toBe(doc.getMap('customers'))
  })
})
