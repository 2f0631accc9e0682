// The WebSocket relay at /sync/:bookId: authenticates each socket, checks membership, and hands
// it to the book's room. Every refusal completes the upgrade and then closes with a named code,
// because browsers cannot see the HTTP status of a failed upgrade.
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { CLOSE_CODE } from '@crm-sync/protocol'
import { isAuthError } from '../auth/auth-error'
import { isTokenKeysUnavailable } from '../auth/token-keys-error'
import { extractToken } from '../auth/extract-token'
import type { TokenService } from '../auth/token-service'
import type { Metrics } from '../metrics'
import type { BookDirectory } from '../store/book-directory'
import { isStoreError } from '../store/store-error'
import { acceptUpgrade } from '../websocket/accept-upgrade'
import type { ServerWebSocket, WebSocketHandlers, WebSocketSettings } from '../websocket/server-websocket'
import { isValidBookId } from './book-id'
import { MembershipFollower } from './membership-follower'
import { Connection, extensionsOf, type ConnectionSettings } from './connection'
import { EarlyFrameBudget } from './early-frame-budget'
import { ExpiryWatch } from './expiry-watch'
import type { RoomRegistry } from './room-registry'
import { SocketCorks } from './socket-corks'

export interface RelayOptions {
  readonly registry: RoomRegistry
  readonly directory: BookDirectory
  readonly tokens: TokenService
  readonly metrics: Metrics
  readonly log: Logger
  readonly maxFrameBytes: number
  readonly maxQueuedFrames?: number
  readonly maxBufferedBytes?: number
  readonly pingIntervalMs?: number
  /** stop(): how long clients may take to answer the close before their sockets are cut. */
  readonly closeGraceMs?: number
  /** How often every connection's role is read again (the backstop of `memberChanged`). */
  readonly membershipRecheckMs?: number
}

const DEFAULTS = { maxQueuedFrames: 256, maxBufferedBytes: 32 * 1024 * 1024, pingIntervalMs: 30_000, closeGraceMs: 5_000, membershipRecheckMs: 60_000 }
/**
 * Bytes a connection may send before its book has loaded, in frames of up to `maxFrameBytes`:
 * room for the largest frame besides a client's greeting (sync step 1 and its presence). All
 * connections together may hold `EARLY_FRAMES_TOTAL` times `maxFrameBytes` (64 MiB by default).
 */
const EARLY_FRAMES_PER_CONNECTION = 2
const EARLY_FRAMES_TOTAL = 64
/** How long a close waits for the client's answer before cutting the socket (ws's default too). */
const CLOSE_TIMEOUT_MS = 30_000
const PATH = /^\/sync\/([^/?#]*)$/

export class Relay {
  private readonly o: RelayOptions & typeof DEFAULTS
  private readonly websocketSettings: WebSocketSettings
  private readonly connections = new Map<ServerWebSocket, Connection>()
  private readonly corks = new SocketCorks()
  private readonly connectionSettings: ConnectionSettings
  private readonly alive = new WeakSet<ServerWebSocket>()
  private pingTimer: NodeJS.Timeout | null = null
  private recheckTimer: NodeJS.Timeout | null = null
  private readonly membership: MembershipFollower
  /** A connection lasts as long as the token it was opened with: closed with 4401 when that expires. */
  private readonly tokenExpiries = new ExpiryWatch<Connection>(
    (conn) => conn.close(CLOSE_CODE.notAuthenticated, 'token expired'),
    (conn, err) => this.o.log.error({ err, bookId: conn.bookId }, 'closing a connection whose token expired failed'),
  )
  private server: Server | null = null
  private stopping = false
  /** Resolves `stop()`'s wait once the last connection has closed. */
  private drained: (() => void) | null = null

  constructor(opts: RelayOptions) {
    this.o = { ...DEFAULTS, ...opts }
    this.membership = new MembershipFollower({ directory: this.o.directory, log: this.o.log, connections: () => this.connections.values() })
    this.connectionSettings = {
      metrics: this.o.metrics,
      log: this.o.log,
      maxQueuedFrames: this.o.maxQueuedFrames,
      earlyFrames: new EarlyFrameBudget(
        EARLY_FRAMES_PER_CONNECTION * this.o.maxFrameBytes,
        EARLY_FRAMES_TOTAL * this.o.maxFrameBytes,
        (bytes) => this.o.metrics.earlyFrameBytes.set(bytes),
      ),
      maxBufferedBytes: this.o.maxBufferedBytes,
      corks: this.corks,
    }
    // One set of handlers for every socket, not closures per connection: thousands of idle
    // connections are the common case.
    const relay = this
    const connections = this.connections
    const alive = this.alive
    const log = this.o.log
    const metrics = this.o.metrics
    const handlers: WebSocketHandlers = {
      message(ws, data, isBinary) {
        connections.get(ws)?.receive(data, isBinary)
      },
      pong(ws) {
        alive.add(ws)
      },
      error(ws, err) {
        // A framing error (the socket is already closing with its code: 1002, 1007 or 1009).
        const conn = connections.get(ws)
        log.warn({ err, bookId: conn?.bookId }, 'websocket error')
        conn?.detach()
      },
      close(ws, code) {
        const conn = connections.get(ws)
        connections.delete(ws)
        metrics.connections.set(connections.size)
        if (connections.size === 0) relay.drained?.()
        if (!conn) return
        if (!conn.isClosed) metrics.connectionsClosed.inc({ code: String(code) })
        const expiresAt = conn.identity?.expiresAt
        if (expiresAt !== undefined) relay.tokenExpiries.delete(conn, expiresAt)
        conn.detach()
        conn.releaseRoom()
      },
    }
    this.websocketSettings = { handlers, maxPayload: this.o.maxFrameBytes, closeTimeoutMs: CLOSE_TIMEOUT_MS }
  }

  get connectionCount(): number {
    return this.connections.size
  }

  start(server: Server): void {
    this.server = server
    server.on('upgrade', this.onUpgrade)
    this.pingTimer = setInterval(() => this.ping(), this.o.pingIntervalMs)
    this.pingTimer.unref()
    this.recheckTimer = setInterval(() => void this.recheckMembers(), this.o.membershipRecheckMs)
    this.recheckTimer.unref()
  }

  /**
   * `userId`'s membership of `bookId` changed (on this instance or another): their open
   * connections to it take the stored role now, and close with 4403 if they were removed.
   */
  memberChanged(bookId: string, userId: string): Promise<void> {
    return this.membership.changed(bookId, userId)
  }

  /** Reads every connection's role again (every `membershipRecheckMs`): changes made behind the API. */
  recheckMembers(): Promise<void> {
    return this.membership.recheckAll()
  }

  /**
   * Stops taking frames, makes everything already accepted durable (and acknowledged), then
   * closes every socket with 1001 so clients reconnect elsewhere, and unloads the books.
   */
  async stop(): Promise<void> {
    this.stopping = true
    this.server?.off('upgrade', this.onUpgrade)
    if (this.pingTimer) clearInterval(this.pingTimer)
    if (this.recheckTimer) clearInterval(this.recheckTimer)
    this.tokenExpiries.stop()
    for (const conn of this.connections.values()) conn.pause()
    await this.o.registry.flushAll()
    await new Promise((resolve) => setImmediate(resolve))
    for (const conn of this.connections.values()) conn.close(CLOSE_CODE.goingAway, 'server going away')
    await this.o.registry.close()
    // Until every socket has closed: the client answered the close, or, after closeGraceMs, its
    // socket is cut (a close alone waits 30 s for a client that never answers, past main's forced
    // exit at 15 s). Everything accepted is durable by now, so cutting loses nothing.
    if (this.connections.size > 0) {
      const drained = new Promise<void>((resolve) => (this.drained = resolve))
      const cut = setTimeout(() => {
        for (const ws of this.connections.keys()) ws.terminate()
      }, this.o.closeGraceMs)
      await drained
      clearTimeout(cut)
    }
  }

  /** Closes the connections of a room that had to be dropped; their clients reconnect and resend. */
  closeBook(bookId: string, code: number, reason: string): void {
    for (const conn of this.connections.values()) if (conn.bookId === bookId) conn.close(code, reason)
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // First: a client that resets the socket while it is refused must not crash the process.
    socket.on('error', this.onUpgradeSocketError)
    const url = parseRequestUrl(req.url)
    if (!url) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      return
    }
    const match = PATH.exec(url.pathname)
    if (!match || this.stopping) {
      socket.end(this.stopping ? 'HTTP/1.1 503 Service Unavailable\r\n\r\n' : 'HTTP/1.1 404 Not Found\r\n\r\n')
      return
    }
    // Only primitives outlive the upgrade: a closure over req/url here would keep the request, its
    // headers and the token-bearing URL alive for the whole life of the connection.
    const bookId = decodeURIComponentSafe(match[1] ?? '')
    const token = extractToken({ authorization: req.headers.authorization, cookie: req.headers.cookie, url })
    const extensions = extensionsOf(url.searchParams)
    const ws = acceptUpgrade(req, socket, head, this.websocketSettings)
    if (!ws) return
    socket.off('error', this.onUpgradeSocketError)
    void this.accept(ws, bookId, token, extensions)
  }

  private readonly onUpgradeSocketError = (err: Error): void => this.o.log.debug({ err }, 'socket error during upgrade')

  private async accept(ws: ServerWebSocket, bookId: string | null, token: string | null | undefined, extensions: number): Promise<void> {
    const conn = new Connection(ws, bookId ?? '', extensions, this.connectionSettings)
    this.connections.set(ws, conn)
    this.alive.add(ws)
    this.o.metrics.connections.set(this.connections.size)
    if (!bookId || !isValidBookId(bookId)) return conn.close(CLOSE_CODE.malformed, 'bad book id')

    if (!token) return conn.close(CLOSE_CODE.notAuthenticated, 'no token')
    // Nothing is read from a client until its token and membership are checked: what it sends
    // meanwhile waits in the kernel's buffers, not in the early-frame queue (a token check that
    // fetches a JWKS can take seconds, and the queue's bytes are shared by the whole relay).
    ws.holdReading()
    try {
      const identity = await this.o.tokens.verify(token)
      let role = await this.o.directory.roleOf(bookId, identity.userId)
      ws.resumeReading()
      if (!role) return conn.close(CLOSE_CODE.notMember, 'not a member of this book')
      if (conn.isClosed) return
      const acquired = await this.o.registry.acquire(bookId)
      if (conn.isClosed) return acquired.release()
      // The role again, now that the book is loaded: a change made meanwhile on another instance is
      // not heard here before the book's channel is subscribed (at load), and the queued frames
      // must be handled with the role as it is. Again while changes arrive during the read.
      for (let epoch = -1; epoch !== this.membership.epoch; ) {
        epoch = this.membership.epoch
        role = await this.o.directory.roleOf(bookId, identity.userId)
        if (conn.isClosed) return acquired.release()
      }
      if (!role) {
        acquired.release()
        return conn.close(CLOSE_CODE.notMember, 'not a member of this book')
      }
      conn.attach(acquired, identity, role)
      // Taken out again by the socket's close handler. A token that expired while the book loaded
      // closes the connection on the next turn.
      if (identity.expiresAt !== undefined && !conn.isClosed) this.tokenExpiries.add(conn, identity.expiresAt)
    } catch (e) {
      ws.resumeReading() // the client's answer to the close is read
      if (isAuthError(e)) return conn.close(CLOSE_CODE.notAuthenticated, e.message)
      if (isTokenKeysUnavailable(e)) {
        this.o.log.error({ err: e, bookId }, 'tokens cannot be verified')
        return conn.close(CLOSE_CODE.tryAgainLater, 'tokens cannot be verified right now')
      }
      if (isStoreError(e, 'timeout')) {
        // The role or the book did not come from the store in time (a lock, a full pool): the
        // client should come back later, with backoff, rather than count it as a server error.
        this.o.log.warn({ err: e, bookId }, 'the store did not answer in time for a connection')
        return conn.close(CLOSE_CODE.tryAgainLater, 'store busy, try again later')
      }
      this.o.log.error({ err: e, bookId }, 'could not open book for connection')
      conn.close(1011, 'book could not be opened')
    }
  }

  private ping(): void {
    for (const ws of this.connections.keys()) {
      if (!this.alive.has(ws)) {
        ws.terminate()
        continue
      }
      this.alive.delete(ws)
      ws.ping()
    }
  }
}

/** The request target as a URL, or null when it is not one (an absolute form with a bad port, say). */
const parseRequestUrl = (target: string | undefined): URL | null => {
  try {
    return new URL(target ?? '/', 'http://relay.invalid')
  } catch {
    return null
  }
}

const decodeURIComponentSafe = (s: string): string | null => {
  try {
    return decodeURIComponent(s)
  } catch {
    return null
  }
}
