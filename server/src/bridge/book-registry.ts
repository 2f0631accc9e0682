// The books the bridge works on, opened through @crm-sync/sync-client as the service user
// `crm-bridge` (so any relay instance will do), with an observer that reports which records
// others changed. The bridge's own writes carry BRIDGE_ORIGIN and are not reported (no echo).
import { createMemoryStore, openBook, type BookHandle } from '@crm-sync/sync-client'
import WebSocket from 'ws'
import * as Y from 'yjs'
import type { Logger } from 'pino'
import type { BridgeKind } from './field-map'

/** Transaction origin of every write the bridge makes to a book. */
export const BRIDGE_ORIGIN = Symbol('crm-bridge')

export interface ChangedRecord {
  readonly bookId: string
  readonly kind: BridgeKind
  readonly crdtId: string
  readonly parentId: string | null
}

export interface BookRegistryOptions {
  /** The relay's sync endpoint, e.g. ws://127.0.0.1:8787/sync. */
  readonly serverUrl: string
  readonly getToken: () => Promise<string>
  readonly log: Logger
  readonly onChange: (changes: ChangedRecord[]) => void
  /** How long to wait for a book's first sync before giving up on it for now. */
  readonly openTimeoutMs?: number
}

export class BookRegistry {
  private readonly handles = new Map<string, BookHandle>()
  private readonly opening = new Map<string, Promise<BookHandle>>()
  private closed = false

  constructor(private readonly o: BookRegistryOptions) {}

  get openBooks(): string[] {
    return [...this.handles.keys()]
  }

  has(bookId: string): boolean {
    return this.handles.has(bookId)
  }

  get(bookId: string): BookHandle | undefined {
    return this.handles.get(bookId)
  }

  /** Opens the book (once) and resolves when it is in step with the relay. */
  open(bookId: string): Promise<BookHandle> {
    const open = this.handles.get(bookId)
    if (open) return Promise.resolve(open)
    const pending = this.opening.get(bookId)
    if (pending) return pending
    const p = this.doOpen(bookId).finally(() => this.opening.delete(bookId))
    this.opening.set(bookId, p)
    return p
  }

  private async doOpen(bookId: string): Promise<BookHandle> {
    if (this.closed) throw new Error('book registry closed')
    const handle = openBook({
      serverUrl: this.o.serverUrl,
      bookId,
      getToken: this.o.getToken,
      store: createMemoryStore(),
      WebSocketPolyfill: WebSocket,
      crossTabChannel: false,
      locks: null,
      // The bridge never shows a list while a book opens: no projection to keep on its memory store.
      keepProjection: false,
      userId: 'crm-bridge',
      userName: 'CRM bridge',
    })
    try {
      await handle.whenLoaded
      await withTimeout(handle.whenSynced(), this.o.openTimeoutMs ?? 15_000, `book ${bookId} did not sync`)
    } catch (error) {
      await handle.close().catch(() => {})
      throw error
    }
    handle.doc.getMap('customers').observeDeep((events, tx) => {
      if (tx.origin === BRIDGE_ORIGIN) return
      const changes = changedRecords(bookId, events)
      if (changes.length > 0) this.o.onChange(changes)
    })
    this.handles.set(bookId, handle)
    this.o.log.info({ bookId }, 'bridge opened book')
    return handle
  }

  /** Waits until every write the bridge made to the book is acknowledged by the relay. */
  async flushed(bookId: string, timeoutMs: number): Promise<boolean> {
    const handle = this.handles.get(bookId)
    if (!handle) return false
    try {
      await withTimeout(handle.whenSynced(), timeoutMs, 'book write not acknowledged')
      return true
    } catch {
      return false
    }
  }

  /** Closes every book. `abandon` skips waiting for unacknowledged writes (a crash-like stop). */
  async close(): Promise<void> {
    this.closed = true
    const all = [...this.handles.values()]
    this.handles.clear()
    await Promise.allSettled(all.map((h) => h.close()))
  }
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
