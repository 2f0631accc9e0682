// The record hashes of each book, kept while the relay lets its document sleep: the consistency
// figure and the full reconcile's book half read a sleeping book's hashes from here instead of
// waking it (a decoded 10,000-customer book is ≈300 MB). A list stays good while the document it
// was made from saw no change after it and the book neither woke into another document (which may
// change and sleep again before anything lists it) nor took a change unseen (`forget`: a wake, a
// dormant book's tail, a reload). It holds the hashes only, never the document.
import type * as Y from 'yjs'
import { bookRecordHashes, type HashedBookRecord, type ListedHashes } from './book-record-hashes'
import type { FieldMap } from './field-map'

export interface KeptBookHashesOptions {
  readonly map: FieldMap
  /** The book's document if it is awake, without waking it (BridgeBooks.peek). */
  readonly peek: (bookId: string) => Y.Doc | null
  /** The book's document, woken if need be. */
  readonly doc: (bookId: string) => Promise<Y.Doc>
}

export class KeptBookHashes {
  private readonly kept = new Map<string, ListedHashes>()

  constructor(private readonly o: KeptBookHashesOptions) {}

  /** The book changed where no document event showed it: its kept list no longer holds. */
  forget(bookId: string): void {
    this.kept.delete(bookId)
  }

  /**
   * Every record of the book with its hash: from its awake document, else from the list kept when
   * nothing changed since, else from the document woken for it. `fresh` re-hashes every record
   * (the verifying pass), waking the book if it sleeps.
   */
  async list(bookId: string, fresh = false): Promise<readonly HashedBookRecord[]> {
    const live = this.o.peek(bookId)
    const kept = this.kept.get(bookId)
    if (!live && !fresh && kept && !kept.since.changed) return kept.records
    const doc = live ?? (await this.o.doc(bookId))
    const listed = bookRecordHashes(doc, this.o.map).listed(fresh)
    this.kept.set(bookId, listed)
    return listed.records
  }
}
