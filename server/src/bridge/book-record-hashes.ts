// Content hashes of a book's records, kept per customer and dropped the moment any transaction
// (of any origin, the bridge's own writes included) touches that customer, so the full reconcile
// and the consistency figure re-read and re-hash only customers that changed since they last looked.
// The hashes depend on the book's content alone, never on the bridge's state: a missed push still
// shows up as a hash that differs from the agreed one.
import * as Y from 'yjs'
import { customersMap, readCustomer } from '@crm-sync/model'
import { companyValues, contactValues, dealValues } from './book-records'
import type { BridgeKind, FieldMap } from './field-map'
import { hashSorted, mappedKeys } from './record-hash'

export interface HashedBookRecord {
  readonly kind: BridgeKind
  readonly crdtId: string
  readonly parentId: string | null
  readonly archived: boolean
  /** recordHash of the mapped fields, as the bridge stores `bookHash`. */
  readonly hash: string
}

export function bookHashOf(map: FieldMap, kind: BridgeKind, values: Readonly<Record<string, string | null>>): string {
  return hashSorted(mappedKeys(map[kind], 'field'), (f) => values[f])
}

/** The customer's own record, then its contacts and deals; empty when it is not a readable customer. */
function hashCustomer(map: FieldMap, doc: Y.Doc, id: string): HashedBookRecord[] {
  const c = readCustomer(doc, id)
  if (!c) return []
  const out: HashedBookRecord[] = [{ kind: 'company', crdtId: id, parentId: null, archived: c.archived, hash: bookHashOf(map, 'company', companyValues(c)) }]
  for (const k of c.contacts) out.push({ kind: 'contact', crdtId: k.id, parentId: id, archived: false, hash: bookHashOf(map, 'contact', contactValues(k)) })
  for (const d of c.deals) out.push({ kind: 'deal', crdtId: d.id, parentId: id, archived: false, hash: bookHashOf(map, 'deal', dealValues(d)) })
  return out
}

/** Set once the document a list of hashes was made from changes; holds no document itself. */
export interface ChangeToken {
  readonly changed: boolean
}

/** Every record's hash of a book as listed, and whether its document has changed since. */
export interface ListedHashes {
  readonly records: readonly HashedBookRecord[]
  readonly since: ChangeToken
}

export class BookRecordHashes {
  private readonly byCustomer = new Map<string, HashedBookRecord[]>()
  /** Handed out with each list; marked changed (and replaced) by the next change to the document. */
  private token = { changed: false }

  constructor(private readonly doc: Y.Doc, private readonly map: FieldMap) {
    // Every change below `customers` comes through here, whoever made it: a change at the top
    // level names the customers it added, replaced or removed; any deeper one has the customer
    // id first in its path.
    customersMap(doc).observeDeep((events) => {
      this.token.changed = true
      this.token = { changed: false }
      for (const event of events) {
        const top = event.path[0]
        if (top !== undefined) this.byCustomer.delete(String(top))
        else if (event instanceof Y.YMapEvent) for (const k of event.keysChanged) this.byCustomer.delete(k)
        else this.byCustomer.clear()
      }
    })
  }

  /** How many customers' hashes are cached (tests). */
  get cached(): number {
    return this.byCustomer.size
  }

  /**
   * Every customer, contact and deal of the book with its content hash. `fresh` re-reads and
   * re-hashes every customer (the periodic verification) instead of trusting the cache.
   */
  list(fresh = false): HashedBookRecord[] {
    if (fresh) this.byCustomer.clear()
    const out: HashedBookRecord[] = []
    for (const id of customersMap(this.doc).keys()) {
      let records = this.byCustomer.get(id)
      if (!records) {
        records = hashCustomer(this.map, this.doc, id)
        this.byCustomer.set(id, records)
      }
      for (const r of records) out.push(r)
    }
    return out
  }

  /** `list`, with the token that says when the document has changed since (see KeptBookHashes). */
  listed(fresh = false): ListedHashes {
    const since = this.token
    return { records: this.list(fresh), since }
  }
}

const caches = new WeakMap<Y.Doc, { map: FieldMap; hashes: BookRecordHashes }>()

/** The hash cache of a book's document (made, and its observer registered, on first use). */
export function bookRecordHashes(doc: Y.Doc, map: FieldMap): BookRecordHashes {
  const known = caches.get(doc)
  if (known && known.map === map) return known.hashes
  const hashes = new BookRecordHashes(doc, map)
  caches.set(doc, { map, hashes })
  return hashes
}
