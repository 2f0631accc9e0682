// The bridge's books as a Yjs client of the relay: each opened through @crm-sync/sync-client as
// the service user `crm-bridge`, so any relay instance will do (`npm run bridge`). Writes carry
// BRIDGE_ORIGIN and count as flushed once the relay has acknowledged them.
import { createMemoryStore, openBook, type BookHandle } from '@crm-sync/sync-client'
import WebSocket from 'ws'
import type * as Y from 'yjs'
import { BRIDGE_ORIGIN, BRIDGE_USER_ID, observeOthers, withTimeout, type BridgeBooks, type BridgeBooksOptions } from './bridge-books'

export interface BookRegistryOptions extends BridgeBooksOptions {
  /** The relay's sync endpoint, e.g. ws://127.0.0.1:8787/sync. */
  readonly serverUrl: string
  readonly getToken: () => Promise<string>
  /** How long to wait for a book's first sync before giving up on it for now. */
  readonly openTimeoutMs?: number
}

export class BookRegistry implements BridgeBooks {
  private readonly handles = new Map<string, BookHandle>()
  private readonly opening = new Map<string, Promise<BookHandle>>()
  private closed = false

  constructor(private readonly o: BookRegistryOptions) {}

  async open(bookId: string): Promise<void> {
    await this.handle(bookId)
  }

  async doc(bookId: string): Promise<Y.Doc> {
    return (await this.handle(bookId)).doc
  }

  peek(bookId: string): Y.Doc | null {
    return this.handles.get(bookId)?.doc ?? null
  }

  async write(bookId: string, change: (doc: Y.Doc) => void): Promise<void> {
    const doc = await this.doc(bookId)
    doc.transact(() => change(doc), BRIDGE_ORIGIN)
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

  async close(): Promise<void> {
    this.closed = true
    const all = [...this.handles.values()]
    this.handles.clear()
    await Promise.allSettled(all.map((h) => h.close()))
  }

  /** The book's handle, opened (once) and in step with the relay. */
  private handle(bookId: string): Promise<BookHandle> {
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
      userId: BRIDGE_USER_ID,
      userName: 'CRM bridge',
    })
    try {
      await handle.whenLoaded
      await withTimeout(handle.whenSynced(), this.o.openTimeoutMs ?? 15_000, `book ${bookId} did not sync`)
    } catch (error) {
      await handle.close().catch(() => {})
      throw error
    }
    observeOthers(bookId, handle.doc, this.o)
    this.handles.set(bookId, handle)
    this.o.log.info({ bookId }, 'bridge opened book')
    return handle
  }
}
