// The field clock's reader as it was first built, kept as the oracle of crdt-field-clock.test.ts:
// every logged update is applied to a shadow Y.Doc of the book, and Yjs' own events say which
// fields it touched. Right by construction, but it holds a third decoded copy of every book
// (≈300 MB for 10,000 customers) and integrates every update again; StructFieldReader gives the
// same answers from the document's shape alone.
import * as Y from 'yjs'
import type { FieldChangeReader } from './crdt-field-clock'
import { fieldChangeKeys } from './field-change-keys'

export class ReplayFieldReader implements FieldChangeReader {
  private readonly doc = new Y.Doc({ gc: true })
  private emit: ((key: string) => void) | null = null

  constructor() {
    this.doc.getMap('customers').observeDeep((events) => {
      const emit = this.emit
      if (!emit) return
      for (const event of events) {
        const keys = event instanceof Y.YMapEvent ? [...event.keysChanged].map(String) : []
        fieldChangeKeys(event.path.map(String), keys, emit)
      }
    })
  }

  load(snapshot: Uint8Array): void {
    Y.applyUpdate(this.doc, snapshot)
  }

  apply(update: Uint8Array, emit: (key: string) => void): void {
    this.emit = emit
    try {
      Y.applyUpdate(this.doc, update)
    } finally {
      this.emit = null
    }
  }
}
