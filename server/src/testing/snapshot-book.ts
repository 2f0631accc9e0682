// Books stored as a room leaves them when it unloads (a snapshot alone), for relay tests.
import * as Y from 'yjs'
import type { DocStore } from '../store/doc-store'

/** Stores `bookId` as one entry folded into a snapshot of map 'm' holding `entries`; returns the document. */
export const storeSnapshotBook = async (store: DocStore, bookId: string, entries: Record<string, unknown>): Promise<Y.Doc> => {
  const doc = new Y.Doc()
  for (const [k, v] of Object.entries(entries)) doc.getMap('m').set(k, v)
  const [stored] = await store.append(bookId, [{ update: Y.encodeStateAsUpdate(doc), userId: 'u' }])
  await store.compact(bookId, Y.encodeStateAsUpdate(doc), stored!.seq)
  return doc
}

/** A book of ≈20 KB (one long note) stored as a snapshot: big, next to the thresholds relay tests set. */
export const storeBigSnapshotBook = (store: DocStore, bookId: string): Promise<Y.Doc> =>
  storeSnapshotBook(store, bookId, { notes: 'x'.repeat(20_000) })
