// The reads the HTTP API makes of a book, as data: so that one can run on the relay's document
// or, for a big dormant book, on a worker thread that decodes the book's bytes (book-query-
// worker.ts), with the same code and the same answer. The answer is the response body already
// serialized, with the state vector of the document it was read from.
import { readCustomer, readCustomers } from '@crm-sync/model'
import * as Y from 'yjs'

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

export type BookQuery = CustomersQuery | CustomerQuery

/** The answer's JSON: the list always; a customer, or null. */
export type AnswerOf<Q extends BookQuery> = Q extends CustomersQuery ? string : string | null

export interface BookQueryResult<J extends string | null = string | null> {
  /** The answer as JSON; null when it names a customer the book does not have. */
  readonly json: J
  /** Y.encodeStateVector of the document the answer was read from. */
  readonly stateVector: Uint8Array
}

export function runBookQuery(doc: Y.Doc, query: BookQuery): BookQueryResult {
  const stateVector = Y.encodeStateVector(doc)
  switch (query.kind) {
    case 'customers':
      return { json: JSON.stringify({ customers: readCustomers(doc, { includeArchived: query.includeArchived }) }), stateVector }
    case 'customer': {
      const customer = readCustomer(doc, query.id)
      return { json: customer ? JSON.stringify(customer) : null, stateVector }
    }
  }
}

/** The same query, as a string: what identical reads of one state share. */
export const queryKey = (query: BookQuery): string =>
  query.kind === 'customers' ? `customers:${query.includeArchived ? 1 : 0}` : `customer:${query.id}`
