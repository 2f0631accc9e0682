// Where an import's batches go. Live: the book itself, one books.change per batch, so every
// batch is a CRDT update attributed to the importing user, broadcast to connected devices and
// durable before the next one starts. Dry run: a private copy of the book that is thrown away,
// so a dry run reports exactly what a real run would do and writes nothing.
import * as Y from 'yjs'
import type { BookService } from '../books/book-service'
import type { BookPins } from './book-pins'

export interface ImportTarget {
  read<T>(read: (doc: Y.Doc) => T): Promise<T>
  change<T>(change: (doc: Y.Doc, origin: unknown) => T): Promise<T>
  /** Releases the book (and, for a dry run, the copy). */
  close(): void
}

export async function liveTarget(books: BookService, pins: BookPins, bookId: string, userId: string): Promise<ImportTarget> {
  const pin = await pins.acquire(bookId)
  return {
    read: (read) => books.read(bookId, read),
    change: (change) => books.change(bookId, userId, change),
    close: () => pin.release(),
  }
}

export async function dryRunTarget(books: BookService, bookId: string): Promise<ImportTarget> {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, await books.read(bookId, (doc) => Y.encodeStateAsUpdate(doc)))
  const origin = { kind: 'dry-run' }
  return {
    read: async (read) => read(copy),
    change: async (change) => {
      let result!: ReturnType<typeof change>
      copy.transact(() => (result = change(copy, origin)), origin)
      return result
    },
    close: () => copy.destroy(),
  }
}
