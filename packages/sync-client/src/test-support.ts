// Helpers for this package's tests (not exported): devices with their own fake IndexedDB,
// handles wired to a real relay started with startTestServer, and a seeded random source.
// The relay is imported by path: tests may reach across workspaces, package code may not.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { startTestServer, type TestServer } from '../../../server/src/testing/test-server'
import type { BookHandle } from './book-handle'
import { createIndexedDbStore } from './indexeddb-local-store'
import type { LocalStore } from './local-store'
import { openBook, type OpenBookOptions } from './open-book'
import type { SyncState } from './sync-status'

export { startTestServer, type TestServer }
export const BOOK = 'north-territory'

export const waitFor = async (predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One simulated device: its own IndexedDB, opened as often as a test likes. */
export interface Device {
  readonly factory: IDBFactory
  readonly store: LocalStore
  open(opts?: Partial<OpenBookOptions>): BookHandle
}

export const makeDevice = (server: { wsUrl: string; token(user: string): Promise<string> } | null, user = 'alice'): Device => {
  const factory = new IDBFactory()
  const store = createIndexedDbStore({ indexedDB: factory })
  return {
    factory,
    store,
    open: (opts = {}) =>
      openBook({
        serverUrl: server?.wsUrl ?? 'ws://127.0.0.1:9/sync',
        bookId: BOOK,
        getToken: () => (server ? server.token(user) : Promise.resolve('no-server')),
        store,
        WebSocketPolyfill: WebSocket,
        userId: user,
        crossTabChannel: false,
        backoff: { initialMs: 20, maxMs: 200 },
        ...opts,
      }),
  }
}

/** The relay's durable state of a book: snapshot plus log, straight from its store. */
export const storedDoc = async (server: TestServer, bookId = BOOK): Promise<Y.Doc> => {
  const loaded = await server.persistence.docStore.load(bookId)
  const doc = new Y.Doc()
  if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot)
  for (const u of loaded.updates) Y.applyUpdate(doc, u.update)
  return doc
}

/** Every state the handle goes through from now on, deduplicated. */
export const recordStates = (handle: BookHandle): SyncState[] => {
  const states: SyncState[] = [handle.status.state]
  handle.on('status', (s) => {
    if (states[states.length - 1] !== s.state) states.push(s.state)
  })
  return states
}

/** The customers as canonical JSON (sorted keys: Y.Map iteration order differs between replicas). */
export const customersJson = (doc: Y.Doc): string => canonicalJson(doc.getMap('customers').toJSON())

const canonicalJson = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v)

