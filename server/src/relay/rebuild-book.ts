// A book rebuilt on a worker thread from its bytes: a whole state (a stored snapshot, or a dormant
// book's encoding) and the updates after it, oldest first. Each update is stored already, so one
// that Yjs throws on keeps what it integrated and the rest still apply, as when a room applies
// stored entries or a dormant book wakes; the caller is told how many threw.
import * as Y from 'yjs'

export function rebuildBook(base: Uint8Array | null, updates: readonly Uint8Array[]): { doc: Y.Doc; unappliable: number } {
  const doc = new Y.Doc({ gc: true })
  let unappliable = 0
  doc.transact(() => {
    if (base) Y.applyUpdate(doc, base)
    for (const update of updates) {
      try {
        Y.applyUpdate(doc, update)
      } catch {
        unappliable++
      }
    }
  })
  return { doc, unappliable }
}
