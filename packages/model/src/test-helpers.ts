// Test-only helpers for syncing replicas and counting updates (not exported from the package).
import * as Y from 'yjs'

/** Exchanges all missing updates between replicas, as a relay would. */
export function syncDocs(...docs: Y.Doc[]): void {
  for (const from of docs) {
    for (const to of docs) {
      if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)))
    }
  }
}

/** Counts the Yjs updates a doc emits while `fn` runs. */
export function countUpdates(doc: Y.Doc, fn: () => void): number {
  let n = 0
  const onUpdate = () => { n++ }
  doc.on('update', onUpdate)
  try { fn() } finally { doc.off('update', onUpdate) }
  return n
}

/** A fresh replica of `doc`, with its own client id. */
export function replicaOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  return copy
}
