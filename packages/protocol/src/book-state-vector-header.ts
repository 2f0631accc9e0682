// The HTTP side of the wire: `GET /api/books/:id/customers` names the document state its JSON
// was read from, so a client can offer that JSON as a projection of a known state (sync-client).
import { fromBase64, toBase64 } from 'lib0/buffer'
import * as Y from 'yjs'

/** Response header: base64 of `Y.encodeStateVector` of the document the customers were read from. */
export const BOOK_STATE_VECTOR_HEADER = 'X-Book-State-Vector'

export const encodeStateVectorHeader = (stateVector: Uint8Array): string => toBase64(stateVector)

/** The state vector in a header value, or null when it is missing or not a state vector. */
export const decodeStateVectorHeader = (value: string | null): Uint8Array | null => {
  if (!value || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null
  try {
    const stateVector = fromBase64(value)
    Y.decodeStateVector(stateVector) // throws on bytes that are not one
    return stateVector
  } catch {
    return null
  }
}
