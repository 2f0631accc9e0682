// How the bridge hears of others' changes to a book: which records a change touches, and that a
// failure on the bridge's side never throws into Yjs (where it would fail someone else's update).
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { BRIDGE_ORIGIN, observeOthers, type ChangedRecord } from './bridge-books'

/** A logger that keeps what it was told at level error. */
const recordingLog = () => {
  const errors: string[] = []
  const log = pino({ level: 'error' }, { write: (line: string) => void errors.push(JSON.parse(line).msg as string) })
  return { log, errors }
}

const remoteEdit = (edit: (doc: Y.Doc) => void): Uint8Array => {
  const other = new Y.Doc()
  edit(other)
  return Y.encodeStateAsUpdate(other)
}

describe('observeOthers', () => {
  it('reports the customers someone else changed, not the bridge’s own writes', () => {
    const doc = new Y.Doc()
    const heard: ChangedRecord[][] = []
    observeOthers('north', doc, { log: pino({ level: 'silent' }), onChange: (c) => heard.push(c) })
    Y.applyUpdate(doc, remoteEdit((d) => d.getMap('customers').set('c1', new Y.Map())))
    doc.transact(() => doc.getMap('customers').set('c2', new Y.Map()), BRIDGE_ORIGIN)
    expect(heard).toEqual([[{ bookId: 'north', kind: 'company', crdtId: 'c1', parentId: null }]])
  })

  it('logs a failure to take a change in instead of throwing into the update that made it', () => {
    const doc = new Y.Doc()
    const { log, errors } = recordingLog()
    const stop = observeOthers('north', doc, {
      log,
      onChange: () => {
        throw new Error('queue full')
      },
    })
    expect(() => Y.applyUpdate(doc, remoteEdit((d) => d.getMap('customers').set('c1', new Y.Map())))).not.toThrow()
    expect(doc.getMap('customers').has('c1')).toBe(true)
    expect(errors).toEqual(['bridge could not take in a change to the book'])
    stop()
    Y.applyUpdate(doc, remoteEdit((d) => d.getMap('customers').set('c3', new Y.Map())))
    expect(errors).toHaveLength(1)
  })
})
