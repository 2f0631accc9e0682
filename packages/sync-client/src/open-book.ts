// The entry point: openBook(options) makes a BookHandle with its dependencies resolved once
// (local store, WebSocket class, locks) and the defaults merged in.
import type { BackoffOptions } from './backoff'
import { Book } from './book'
import type { BookHandle } from './book-handle'
import { defaultCrossTabChannel } from './cross-tab-channel'
import type { GetToken } from './get-token'
import { createIndexedDbStore } from './indexeddb-local-store'
import type { LocalStore } from './local-store'
import type { SocketClass } from './observed-socket'
import { SERVER_PROJECTION_DEFAULTS, type ServerProjectionOptions } from './server-projection'
import { SyncClientError } from './sync-client-error'
import { defaultLockManager, type LockManagerLike } from './web-lock'

export interface OpenBookOptions {
  /** The relay's sync endpoint, e.g. 'ws://host:8787/sync' (the book id is appended). */
  readonly serverUrl: string
  readonly bookId: string
  /** Called before each connect, and again, with `{ refused: true }`, after the relay refused a token (4401). */
  readonly getToken: GetToken
  /** Default: IndexedDB (one database per book). */
  readonly store?: LocalStore
  /** A WebSocket class; in Node pass the 'ws' package's default export. Default: globalThis.WebSocket. */
  readonly WebSocketPolyfill?: unknown
  /** Connect once loaded (default true); false = local only until connect(). */
  readonly connect?: boolean
  /**
   * Presence: set as the awareness `user` field (the relay stamps the real identity anyway), and
   * the author the customer helpers write (createdBy, activity `by`); default 'unknown'.
   */
  readonly userId?: string
  readonly userName?: string
  readonly backoff?: BackoffOptions
  /**
   * BroadcastChannel name for cross-tab sync on this device, or false for none. Default
   * 'crm-sync:v2:<bookId>'. Give every handle of the same stored book the same name, and
   * removeLocalBook too: a removal is announced on it. A handle on another channel (or none) still
   * holds the book's lease, so a removal waits for it to close (or times out).
   */
  readonly crossTabChannel?: string | false
  /** How long updates are gathered into one IndexedDB transaction (and one row). Default 50 ms. */
  readonly batchMs?: number
  /**
   * Keep a projection of the customers (plain objects) in the store, so the next open can show
   * them before the document has loaded (`whenReadable`, `projection`). Default true; programs
   * that never show a list while opening (a server-side worker on a memory store) can save the
   * work and memory with false.
   */
  readonly keepProjection?: boolean
  /**
   * A book opened online with nothing stored on this device fetches the relay's JSON list of its
   * customers beside the first sync and offers it as the projection until the document holds the
   * book (`whenReadable`, `projection`, `whenDocument`). Default: none (no fetch; the bridge and
   * other Node programs leave it out).
   */
  readonly serverProjection?: ServerProjectionOptions
  /** Changed customers are rewritten in the projection at most this often, when idle. Default 1000 ms. */
  readonly projectionMs?: number
  /** Fold the stored rows into one snapshot once there are this many. Default 200. */
  readonly compactAfterRows?: number
  /** Compaction also waits until the rows since the last fold reach this share of the snapshot (default 0.1). */
  readonly compactBytesRatio?: number
  /** Fold at this many rows whatever their bytes (default 5,000: each row is a decode on every open). */
  readonly compactMaxRows?: number
  /** Web Locks for compaction. Default: navigator.locks where there is one; null: none. */
  readonly locks?: LockManagerLike | null
  /** Consecutive 4401 closes, each after a fresh token, before giving up. Default 3. */
  readonly maxAuthRetries?: number
  /** Random source for backoff jitter (tests). Default Math.random. */
  readonly random?: () => number
}

export const OPEN_BOOK_DEFAULTS = {
  connect: true,
  batchMs: 50,
  keepProjection: true,
  projectionMs: 1000,
  compactAfterRows: 200,
  compactBytesRatio: 0.1,
  compactMaxRows: 5000,
  maxAuthRetries: 3,
  random: Math.random,
  backoff: {},
} as const

export type ResolvedBookOptions = Required<Omit<OpenBookOptions, 'store' | 'WebSocketPolyfill' | 'userId' | 'userName' | 'locks' | 'serverProjection'>> & {
  readonly store: LocalStore
  readonly ownsStore: boolean
  readonly WebSocket: SocketClass | null
  readonly userId: string | null
  readonly userName: string | null
  readonly locks: LockManagerLike | null
  readonly serverProjection: Required<ServerProjectionOptions> | null
}

export function openBook(opts: OpenBookOptions): BookHandle {
  const WS = (opts.WebSocketPolyfill ?? (globalThis as { WebSocket?: unknown }).WebSocket ?? null) as SocketClass | null
  const connect = opts.connect ?? OPEN_BOOK_DEFAULTS.connect
  if (connect && typeof WS !== 'function') {
    throw new SyncClientError('no-websocket', 'no WebSocket here: pass WebSocketPolyfill (the ws package in Node) or connect: false')
  }
  const d = OPEN_BOOK_DEFAULTS
  const o: ResolvedBookOptions = {
    serverUrl: opts.serverUrl,
    bookId: opts.bookId,
    getToken: opts.getToken,
    connect,
    store: opts.store ?? createIndexedDbStore(),
    ownsStore: opts.store === undefined,
    WebSocket: typeof WS === 'function' ? WS : null,
    userId: opts.userId ?? null,
    userName: opts.userName ?? null,
    backoff: opts.backoff ?? d.backoff,
    crossTabChannel: opts.crossTabChannel ?? defaultCrossTabChannel(opts.bookId),
    batchMs: opts.batchMs ?? d.batchMs,
    keepProjection: opts.keepProjection ?? d.keepProjection,
    projectionMs: opts.projectionMs ?? d.projectionMs,
    compactAfterRows: opts.compactAfterRows ?? d.compactAfterRows,
    compactBytesRatio: opts.compactBytesRatio ?? d.compactBytesRatio,
    compactMaxRows: opts.compactMaxRows ?? d.compactMaxRows,
    locks: opts.locks === undefined ? defaultLockManager() : opts.locks,
    maxAuthRetries: opts.maxAuthRetries ?? d.maxAuthRetries,
    random: opts.random ?? d.random,
    serverProjection: opts.serverProjection ? { ...SERVER_PROJECTION_DEFAULTS, ...opts.serverProjection } : null,
  }
  return new Book(o)
}
