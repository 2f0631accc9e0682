// The top level of a book document: its metadata map and the map of customers.
// Key names here are the public contract in ARCHITECTURE.md; changing one breaks other replicas.
import * as Y from 'yjs'

/** Version of the book document layout that this package reads and writes. */
export const SCHEMA_VERSION = 1

export type BookMeta = { name: string; schemaVersion: number }

export function bookMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>('book')
}

export function customersMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>('customers')
}

/** Names the book and stamps the layout version; rewrites only what differs. */
export function initBook(doc: Y.Doc, book: { name: string }, origin?: unknown): void {
  const meta = bookMap(doc)
  doc.transact(() => {
    if (meta.get('name') !== book.name) meta.set('name', book.name)
    if (meta.get('schemaVersion') !== SCHEMA_VERSION) meta.set('schemaVersion', SCHEMA_VERSION)
  }, origin)
}

/** A book that was never initialised reads as `{ name: '', schemaVersion: 0 }`. */
export function readBookMeta(doc: Y.Doc): BookMeta {
  const meta = bookMap(doc)
  const name = meta.get('name')
  const schemaVersion = meta.get('schemaVersion')
  return {
    name: typeof name === 'string' ? name : '',
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 0,
  }
}
