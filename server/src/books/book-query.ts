// The reads the HTTP API makes of a book, as data: so that one can run on the relay's document
// or, for a big dormant book, on a worker thread that decodes the book's bytes (book-query-
// worker.ts), with the same code and the same answer. The answer is the response body already
// serialized (UTF-8 JSON bytes: a worker hands bytes over without a copy, where a string of
// megabytes cost the relay's event loop 60 ms to take), with the state vector of what was read.
import { customersMap, readCustomer, readCustomers } from '@crm-sync/model'
import * as Y from 'yjs'
import { exportWriter } from '../import/export-writers'
import type { ImportFormat } from '../import/import-format'

/** Every customer (archived ones if asked), as `{"customers":[...]}`. */
export interface CustomersQuery {
  readonly kind: 'customers'
  readonly includeArchived: boolean
}

/** One customer, or null when the book has none of that id. */
export interface CustomerQuery {
  readonly kind: 'customer'
  readonly id: string
}

/**
 * The whole book as an export file (export-writers.ts), every customer, archived ones too, in
 * code-unit order of their ids. Asked of a big dormant book only (import/export-stream.ts):
 * an awake one is streamed a chunk at a time instead of built whole on the event loop.
 */
export interface ExportQuery {
  readonly kind: 'export'
  readonly format: ImportFormat
  readonly bookId: string
}

export type BookQuery = CustomersQuery | CustomerQuery | ExportQuery

/** UTF-8 JSON, in a buffer of its own (handed over by a worker, sent as it is). */
export type AnswerBody = Uint8Array<ArrayBuffer>

/** The answer's body: the list always; a customer, or null. */
export type AnswerOf<Q extends BookQuery> = Q extends CustomersQuery | ExportQuery ? AnswerBody : AnswerBody | null

export interface BookQueryResult<B extends AnswerBody | null = AnswerBody | null> {
  /** The answer as UTF-8 JSON; null when it names a customer the book does not have. */
  readonly body: B
  /** Y.encodeStateVector of the document the answer was read from. */
  readonly stateVector: Uint8Array
}

export function runBookQuery(doc: Y.Doc, query: BookQuery): BookQueryResult {
  const stateVector = Y.encodeStateVector(doc)
  switch (query.kind) {
    case 'customers':
      return { body: utf8.encode(JSON.stringify({ customers: readCustomers(doc, { includeArchived: query.includeArchived }) })), stateVector }
    case 'customer': {
      const customer = readCustomer(doc, query.id)
      return { body: customer ? utf8.encode(JSON.stringify(customer)) : null, stateVector }
    }
    case 'export':
      return { body: utf8.encode(exportFile(doc, query)), stateVector }
  }
}

/** The export file of `doc` whole: what the export stream sends a chunk at a time. */
const exportFile = (doc: Y.Doc, query: ExportQuery): string => {
  const writer = exportWriter(query.format, query.bookId)
  const ids = exportIds(doc)
  let text = writer.head
  let written = 0
  for (const id of ids) {
    const customer = readCustomer(doc, id)
    if (customer) text += writer.customer(customer, written++)
  }
  return text + writer.tail
}

/** The ids of the book's customers in code-unit order, like readCustomers: exports are stable and diffable. */
export const exportIds = (doc: Y.Doc): string[] =>
  [...customersMap(doc).entries()].filter(([, m]) => m instanceof Y.Map).map(([id]) => id).sort()

const utf8 = new TextEncoder()

/** An answer's body parsed (tests, the bench). */
export const parseAnswer = (body: Uint8Array): { customers?: unknown[] } & Record<string, unknown> => JSON.parse(new TextDecoder().decode(body))

/** The same query, as a string: what identical reads of one state share. */
export const queryKey = (query: BookQuery): string => {
  switch (query.kind) {
    case 'customers':
      return `customers:${query.includeArchived ? 1 : 0}`
    case 'customer':
      return `customer:${query.id}`
    case 'export':
      return `export:${query.format}`
  }
}
