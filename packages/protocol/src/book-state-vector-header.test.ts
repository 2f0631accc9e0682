import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { decodeStateVectorHeader, encodeStateVectorHeader } from './book-state-vector-header'

describe('X-Book-State-Vector', () => {
  it('carries a state vector both ways, the empty one included', () => {
    const doc = new Y.Doc()
    doc.getMap('customers').set('c1', 'x')
    for (const sv of [Y.encodeStateVector(doc), Y.encodeStateVector(new Y.Doc())]) {
      expect(decodeStateVectorHeader(encodeStateVectorHeader(sv))).toEqual(sv)
    }
  })

  it.each([['missing', null], ['empty', ''], ['not base64', 'not a state vector!'], ['truncated', '////']])(
    'reads %s as none', (_what, value) => {
      expect(decodeStateVectorHeader(value)).toBeNull()
    })
})
