// Server-side reads and writes of books (HTTP API, importer, seeding): each runs on the loaded
// room, so a change is a CRDT update attributed to its user, broadcast to connected clients
// and durable before the call resolves.
import type * as Y from 'yjs'
import { initBook, readBookMeta } from '@crm-sync/model'
import type { RoomRegistry } from '../relay/room-registry'
import type { LocalOrigin } from '../relay/room'
import type { BookDirectory, BookInfo } from '../store/book-directory'
import { isStoreError } from '../store/store-error'
import type { BookMutation, MutationOutcome } from './book-mutation'
import { runBookQuery, type AnswerOf, type BookQuery, type BookQueryResult } from './book-query'
import type { DormantBookReads } from './dormant-book-reads'
import { onDocument, type DormantBookWrites } from './dormant-book-writes'

export interface BookService {
  read<T>(bookId: string, read: (doc: Y.Doc) => T): Promise<T>
  /**
   * One of the API's reads (book-query.ts). Unlike `read`, it does not wake a big dormant book:
   * where the server has `dormantReads`, such a book is read from its bytes on a worker thread.
   */
  query<Q extends BookQuery>(bookId: string, query: Q): Promise<BookQueryResult<AnswerOf<Q>>>
  /**
   * `query` answered on a worker from the bytes of a big dormant book; null when the book is not
   * one (or is read often, or the worker failed, or the server has no `dormantReads`): the caller
   * then reads the document its own way (an export streams it a chunk at a time).
   */
  queryIfDormant<Q extends BookQuery>(bookId: string, query: Q): Promise<BookQueryResult<AnswerOf<Q>> | null>
  /**
   * One of the API's writes (book-mutation.ts) as `userId`; resolves with how it ended once what
   * it wrote is durable. Unlike `change`, it does not wake a big dormant book where the server has
   * `dormantWrites`: the write is made on a worker thread from the book's bytes.
   */
  mutate(bookId: string, userId: string, mutation: BookMutation): Promise<MutationOutcome>
  /** Applies `change` as `userId`; resolves with its result once the change is durable. */
  change<T>(bookId: string, userId: string, change: (doc: Y.Doc, origin: LocalOrigin) => T): Promise<T>
  /** Registers the book with its creator as owner and writes its name into the document. */
  create(book: { id: string; name: string }, createdBy: string): Promise<BookInfo>
}

export interface BookServiceDeps {
  readonly registry: RoomRegistry
  readonly directory: BookDirectory
  /** Reads of big dormant books off the event loop; without it, a query wakes the book as `read` does. */
  readonly dormantReads?: DormantBookReads | null
  /** Writes to big dormant books off the event loop; without it, a mutation wakes the book as `change` does. */
  readonly dormantWrites?: DormantBookWrites | null
}

export const createBookService = ({ registry, directory, dormantReads = null, dormantWrites = null }: BookServiceDeps): BookService => {
  const service: BookService = {
    async read(bookId, read) {
      const lease = await registry.acquire(bookId)
      try {
        return read(lease.room.doc)
      } finally {
        lease.release()
      }
    },
    async query(bookId, query) {
      const lease = await registry.acquire(bookId)
      try {
        const result = await (dormantReads ? dormantReads.read(lease.room, query) : runBookQuery(lease.room.doc, query))
        return result as BookQueryResult<AnswerOf<typeof query>>
      } finally {
        lease.release()
      }
    },
    async queryIfDormant(bookId, query) {
      if (!dormantReads) return null
      const lease = await registry.acquire(bookId)
      try {
        return (await dormantReads.readIfDormant(lease.room, query)) as BookQueryResult<AnswerOf<typeof query>> | null
      } finally {
        lease.release()
      }
    },
    async mutate(bookId, userId, mutation) {
      const lease = await registry.acquire(bookId)
      try {
        return await (dormantWrites ? dormantWrites.write(lease.room, mutation, userId) : onDocument(lease.room, mutation, userId))
      } finally {
        lease.release()
      }
    },
    async change(bookId, userId, change) {
      const lease = await registry.acquire(bookId)
      try {
        let result!: ReturnType<typeof change>
        await lease.room.change(userId, (doc, origin) => {
          result = change(doc, origin)
        })
        return result
      } finally {
        lease.release()
      }
    },
    async create(book, createdBy) {
      let info: BookInfo
      try {
        info = await directory.createBook({ ...book, createdBy })
      } catch (error) {
        // The creator trying again after the book was recorded but its document could not be
        // written (a 503: the store was too slow): finish it instead of answering 409.
        const unfinished = isStoreError(error, 'conflict') ? await unfinishedCreation(book, createdBy) : null
        if (!unfinished) throw error
        info = unfinished
      }
      await service.change(book.id, createdBy, (doc) => initBook(doc, { name: book.name }))
      return info
    },
  }
  /** The book as `createdBy` recorded it with this name, its document never initialised; else null. */
  const unfinishedCreation = async (book: { id: string; name: string }, createdBy: string): Promise<BookInfo | null> => {
    const existing = await directory.getBook(book.id)
    if (existing?.createdBy !== createdBy || existing.name !== book.name) return null
    const initialised = await service.read(book.id, (doc) => readBookMeta(doc).schemaVersion !== 0)
    return initialised ? null : existing
  }

  return service
}
