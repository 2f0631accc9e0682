// When a projection can stand for its document: same state, and no tab wrote it from a document
// that had missed another tab's changes.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { customerProjection } from './customer-projection'

const docWithCustomer = (): Y.Doc => {
  const doc = new Y.Doc()
  doc.getMap('customers').set('c1', new Y.Map([['name', 'Acme']]))
  return doc
}

describe('customerProjection.matches', () => {
  it('holds for the state it was read from, and not once the document moved on', () => {
    const doc = docWithCustomer()
    const stored = { customers: [], stateVector: Y.encodeStateVector(doc), stale: [], needsRebuild: false }
    const projection = customerProjection(stored, 'device')
    expect(projection.matches(doc)).toBe(true)
    expect(projection.matches(new Y.Doc())).toBe(false)
    doc.getMap('book').set('name', 'Later')
    expect(projection.matches(doc)).toBe(false)
  })

  it('never holds for a projection flagged for a rebuild, whatever its state vector', () => {
    const doc = docWithCustomer()
    const stored = { customers: [], stateVector: Y.encodeStateVector(doc), stale: [], needsRebuild: true }
    expect(customerProjection(stored, 'device').matches(doc)).toBe(false)
  })
})
