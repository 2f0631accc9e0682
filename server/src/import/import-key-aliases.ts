// The one piece of import state kept in the book: when a row's key led to an existing customer
// through dedupe (not through its derived id), the book remembers "derived id → customer id",
// so the next import of that row finds the same customer even after its email has changed.
// A top-level Y.Map next to 'book' and 'customers': additive, so other Yjs programs ignore it,
// and it travels with the book to every store and replica. Rows whose derived id is the
// customer's id (the usual case) need no entry.
import type * as Y from 'yjs'

export const IMPORT_KEYS_MAP = 'importKeys'

export function importKeyAliases(doc: Y.Doc): Y.Map<string> {
  return doc.getMap<string>(IMPORT_KEYS_MAP)
}
