// How the bridge holds its books. Outside the relay's process it is a Yjs client of the relay
// (BookRegistry, book-registry.ts: any relay instance will do); inside it, it works on the relay's
// own rooms (RelayBooks, relay-books.ts): one copy of each book in memory instead of two, and no
// second decoding of every update. Either way the bridge writes as `crm-bridge` with
// BRIDGE_ORIGIN, waits for the relay's durable acknowledgement before it remembers anything as
// agreed, and hears of every change someone else made. bridge-books.contract.ts holds both to it.
import type { Logger } from 'pino'
import * as Y from 'yjs'
import { BRIDGE_USER } from '../auth/identity'
import type { BridgeKind } from './field-map'

/** Transaction origin of every write the bridge makes to a book. */
export const BRIDGE_ORIGIN = Symbol('crm-bridge')

/** The user the bridge writes as (and that must be an editor of its books). */
export const BRIDGE_USER_ID = BRIDGE_USER.userId

export interface ChangedRecord {
  readonly bookId: string
  readonly kind: BridgeKind
  readonly crdtId: string
  readonly parentId: string | null
}

export interface BridgeBooks {
  /** Opens the book (once) and resolves when it holds the relay's state. */
  open(bookId: string): Promise<void>
  /**
   * The book's document, opened (and woken) if need be, and held awake a while for the bridge's
   * use. Read it; change it only through `write`.
   */
  doc(bookId: string): Promise<Y.Doc>
  /** The book's document if it is awake now, without using it (a sleeping book stays asleep); else null. */
  peek(bookId: string): Y.Doc | null
  /** Changes the book in one transaction, as the bridge (never reported back through onChange). */
  write(bookId: string, change: (doc: Y.Doc) => void): Promise<void>
  /** Whether every bridge write to the book so far is durable on the relay, waiting up to `timeoutMs`. */
  flushed(bookId: string, timeoutMs: number): Promise<boolean>
  close(): Promise<void>
}

export interface BridgeBooksOptions {
  readonly log: Logger
  /** Records someone other than the bridge changed (in the book's own words: events of its document). */
  readonly onChange: (changes: ChangedRecord[]) => void
  /**
   * The book took changes that no document event showed (a dormant book's tail, a book loaded
   * again after its room was dropped): which records they touched is unknown, so compare the whole
   * book. Only books the relay lets sleep (RelayBooks) have such changes.
   */
  readonly onUnseen: (bookId: string) => void
  /**
   * The book was decoded into a new document (a sleeping book woke): what was listed from the one
   * before (KeptBookHashes) no longer holds, since the new one may change before it is listed.
   */
  readonly onWoke?: (bookId: string) => void
}

/** Makes the BridgeBooks of a bridge; the service passes its change handler. */
export type BridgeBooksFactory = (o: BridgeBooksOptions) => BridgeBooks

/**
 * Reports others' changes to a book's customers; the bridge's own (BRIDGE_ORIGIN) are skipped.
 * Never throws into Yjs: an observer that throws makes the `Y.applyUpdate` that set it off throw,
 * and in the relay's process that closes the sender of a good update and reloads the book.
 */
export function observeOthers(bookId: string, doc: Y.Doc, o: Pick<BridgeBooksOptions, 'log' | 'onChange'>): () => void {
  const customers = doc.getMap('customers')
  const observer = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, tx: Y.Transaction) => {
    if (tx.origin === BRIDGE_ORIGIN) return
    try {
      const changes = changedRecords(bookId, events)
      if (changes.length > 0) o.onChange(changes)
    } catch (error) {
      // The record stays unreconciled until its next change or the next drift-repair pass (full-reconcile.ts).
      o.log.error({ err: error, bookId }, 'bridge could not take in a change to the book')
    }
  }
  customers.observeDeep(observer)
  return () => customers.unobserveDeep(observer)
}

/** Which customers, contacts and deals a set of Yjs events touched. */
export function changedRecords(bookId: string, events: Array<Y.YEvent<Y.AbstractType<unknown>>>): ChangedRecord[] {
  const out = new Map<string, ChangedRecord>()
  const add = (kind: BridgeKind, crdtId: string, parentId: string | null) => out.set(`${kind}:${crdtId}`, { bookId, kind, crdtId, parentId })
  for (const event of events) {
    const path = event.path.map(String)
    const keys = event instanceof Y.YMapEvent ? [...event.keysChanged] : []
    const [cid, sub, childId] = path
    if (path.length === 0) {
      for (const k of keys) {
        add('company', k, null)
        // A customer made (or replaced) in one go brings its contacts and deals along.
        const customer = (event.target as Y.Map<unknown>).get(k)
        if (customer instanceof Y.Map) {
          for (const [key, kind] of [['contacts', 'contact'], ['deals', 'deal']] as const) {
            const children = customer.get(key)
            if (children instanceof Y.Map) for (const id of children.keys()) add(kind, id, k)
          }
        }
      }
      continue
    }
    if (!cid) continue
    if (sub === 'contacts' || sub === 'deals') {
      const kind = sub === 'contacts' ? 'contact' : 'deal'
      if (path.length === 2) for (const k of keys) add(kind, k, cid)
      else if (childId) add(kind, childId, cid)
      continue
    }
    if (path.length === 1 && (keys.includes('contacts') || keys.includes('deals'))) {
      const customer = event.target as Y.Map<unknown>
      for (const [key, kind] of [['contacts', 'contact'], ['deals', 'deal']] as const) {
        const children = keys.includes(key) ? customer.get(key) : undefined
        if (children instanceof Y.Map) for (const id of children.keys()) add(kind, id, cid)
      }
    }
    if (sub !== 'activities') add('company', cid, null)
  }
  return [...out.values()]
}

export async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}
