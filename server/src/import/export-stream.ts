// A book as a streamed file: ids are listed once, then customers are read and written in
// chunks as the client takes them (pull-based, so a slow client holds back reading, not
// memory). Each customer is read whole and consistent; customers created after the export
// started are not in it, and one edited while it runs may appear with the edit. A big dormant
// book is not woken for it (a decode of the whole book on the event loop): a worker builds the
// file from its bytes (BookService.queryIfDormant), sent as one chunk.
import { readCustomer } from '@crm-sync/model'
import { exportIds } from '../books/book-query'
import type { BookService } from '../books/book-service'
import type { BookPins } from './book-pins'
import { exportWriter } from './export-writers'
import type { ImportFormat } from './import-format'

const CHUNK = 200

export async function exportBookStream(books: BookService, pins: BookPins, bookId: string, format: ImportFormat): Promise<ReadableStream<Uint8Array>> {
  const pin = await pins.acquire(bookId)
  const encoder = new TextEncoder()
  const writer = exportWriter(format, bookId)
  let ids: string[]
  try {
    const built = await books.queryIfDormant(bookId, { kind: 'export', format, bookId })
    if (built) {
      pin.release()
      return new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(built.body)
          controller.close()
        },
      })
    }
    ids = await books.read(bookId, exportIds)
  } catch (e) {
    pin.release()
    throw e
  }
  let next = 0
  let written = 0
  let released = false
  const release = () => {
    if (!released) pin.release()
    released = true
  }
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(writer.head))
    },
    async pull(controller) {
      try {
        if (next >= ids.length) {
          controller.enqueue(encoder.encode(writer.tail))
          controller.close()
          release()
          return
        }
        const chunk = ids.slice(next, next + CHUNK)
        next += chunk.length
        const customers = await books.read(bookId, (doc) => chunk.map((id) => readCustomer(doc, id)))
        let text = ''
        for (const c of customers) if (c) text += writer.customer(c, written++)
        controller.enqueue(encoder.encode(text))
      } catch (e) {
        release()
        controller.error(e)
      }
    },
    cancel() {
      release()
    },
  })
}
