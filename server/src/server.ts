// Builds and starts one server process from a validated Config: store, auth, relay, HTTP API
// (and, where configured, the CRM side). main.ts calls this; so do the tests.
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { CLOSE_CODE } from '@crm-sync/protocol'
import type { CrmEmulator } from '@crm-sync/crm-emulator'
import type { CountryCode } from 'libphonenumber-js'
import pino, { type Logger } from 'pino'
import { loadOrCreateDevSecret } from './auth/dev-secret'
import { signInConfigOf } from './auth/sign-in-config'
import { createTokenService, type TokenService } from './auth/token-service'
import { bookQueryRunnerFor } from './books/book-query-runner'
import { createBookService, type BookService } from './books/book-service'
import { DormantBookReads } from './books/dormant-book-reads'
import { DormantBookWrites } from './books/dormant-book-writes'
import type { Config } from './config'
import { createApp } from './http/app'
import { createStaticApp } from './http/static-app'
import { guardRequestBodies } from './http/request-body-timeouts'
import type { BridgeRuntime } from './bridge/bridge-runtime'
import type { SpoolOptions } from './import/body-spool'
import { importRoutes } from './import/import-routes'
import { SpoolSweeper } from './import/spool-sweeper'
import { createLocalFanOut, type FanOut } from './fanout/fan-out'
import { createMetrics, type Metrics } from './metrics'
import { openPersistence, type Persistence } from './persistence'
import { compactionPolicy } from './relay/compaction-policy'
import { snapshotEncoderFor } from './relay/snapshot-encoder'
import { Relay } from './relay/relay'
import { RoomRegistry } from './relay/room-registry'
import { seedDemo } from './seed/demo-seed'
import { StartUpUndo } from './start-up-undo'
import { notifyMemberChanges } from './store/notify-member-changes'
import { isStoreError } from './store/store-error'

export interface RunningServer {
  readonly port: number
  readonly url: string
  readonly config: Config
  readonly log: Logger
  readonly tokens: TokenService
  readonly books: BookService
  readonly persistence: Persistence
  readonly metrics: Metrics
  readonly relay: Relay
  /** The relay's loaded books (server-side users take a room from here). */
  readonly rooms: RoomRegistry
  readonly fanOut: FanOut
  /** The embedded CRM emulator, when this process runs one. */
  readonly crmEmulator: CrmEmulator | null
  /** The CRM bridge, when BRIDGE_ENABLED. */
  readonly bridge: BridgeRuntime | null
  /** The HTTP server (tests read its timeouts). */
  readonly httpServer: Server
  /** Stops accepting, flushes, closes sockets with 1001, closes the store. */
  stop(): Promise<void>
}

export interface StartOptions {
  readonly log?: Logger
  readonly defaultRegion?: CountryCode
  readonly serveClient?: boolean
  /** Where large import uploads are spooled between the check and the import (tests). */
  readonly importSpool?: SpoolOptions
}

/** POST /api/books/:id/import, the one route whose body may rightly take longer than 300 s. */
const isImportUpload = (req: IncomingMessage): boolean => req.method === 'POST' && /^\/api\/books\/[^/?]+\/import(?:\?|$)/.test(req.url ?? '')

/**
 * Starts every part; if one fails, those started before it are stopped again, the last first, and
 * the error is rethrown: no open store, taken port or Redis connection is left behind for a
 * caller that retries in-process, or for a test.
 */
/** How long a failed start-up waits for what it had started to stop before it reports its error anyway. */
const START_UP_UNDO_TIMEOUT_MS = 10_000

export const startServer = async (config: Config, opts: StartOptions = {}): Promise<RunningServer> => {
  const log = opts.log ?? pino({ level: config.LOG_LEVEL })
  const undo = new StartUpUndo(log)
  try {
    return await startParts(config, opts, log, undo)
  } catch (error) {
    // Said first: stopping what had started may itself hang (the store that broke, say).
    log.error({ err: error }, 'start-up did not complete; stopping what it had started')
    await undo.undo(START_UP_UNDO_TIMEOUT_MS)
    throw error
  }
}

/**
 * Stops the relay (its books flushed and unloaded) and, once it listens, the HTTP server. The
 * server's close waits for every socket, the relay's WebSockets too: it is asked for first and
 * awaited once the relay has closed them.
 */
const stopRelay = async (relay: Relay, server: Server | null): Promise<void> => {
  const closed = server && new Promise<void>((resolve) => server.close(() => resolve()))
  await relay.stop()
  server?.closeAllConnections()
  await closed
}

const startParts = async (config: Config, opts: StartOptions, log: Logger, undo: StartUpUndo): Promise<RunningServer> => {
  const metrics = createMetrics({ defaultMetrics: true })
  const persistence = await openPersistence(config, log)
  undo.push('store', () => persistence.close())
  const secret = config.AUTH_JWT_SECRET
    ? new TextEncoder().encode(config.AUTH_JWT_SECRET)
    : config.AUTH_MODE === 'dev'
      ? loadOrCreateDevSecret(config.DATA_DIR)
      : undefined
  const tokens = createTokenService({
    ...(secret ? { secret } : {}),
    ...(config.AUTH_JWKS_URL ? { jwksUrl: config.AUTH_JWKS_URL } : {}),
    ...(config.AUTH_JWT_ISSUER ? { issuer: config.AUTH_JWT_ISSUER } : {}),
    ...(config.AUTH_JWT_AUDIENCE ? { audience: config.AUTH_JWT_AUDIENCE } : {}),
  })
  // Optional parts are imported only when configured: a relay without them does not carry the
  // Redis client, the HubSpot SDK or the emulator in its heap (less for every GC to trace).
  const fanOut: FanOut = config.REDIS_URL
    ? new (await import('./fanout/redis-fan-out')).RedisFanOut({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, store: persistence.docStore, metrics, log })
    : createLocalFanOut()
  // Before start: a Redis client that could not connect keeps trying until it is stopped.
  undo.push('fan-out', () => fanOut.stop())
  await fanOut.start()
  let relay: Relay | null = null
  const registry = new RoomRegistry({
    fanOut,
    store: persistence.docStore,
    metrics,
    log,
    unloadGraceMs: config.BOOK_UNLOAD_GRACE_MS,
    hibernateAfterMs: config.BOOK_HIBERNATE_MS,
    compaction: compactionPolicy(config.COMPACT_THRESHOLD),
    snapshotEncoder: snapshotEncoderFor(),
    logRetentionMs: config.LOG_RETENTION_DAYS === 0 ? null : config.LOG_RETENTION_DAYS * 86_400_000,
    // Its clients resend what was not acknowledged when they reconnect: at once after a failure,
    // with backoff (1013) when the store was only too slow (a PostgreSQL deadline passed).
    onRoomFailed: (room, error) =>
      isStoreError(error, 'timeout')
        ? relay?.closeBook(room.bookId, CLOSE_CODE.tryAgainLater, 'store busy; reconnect later to resend')
        : relay?.closeBook(room.bookId, 1011, 'book reloaded; reconnect to resend'),
  })
  // Reads of big dormant books on a worker (books/dormant-book-reads.ts), where there is a core for it.
  const bookQueries = bookQueryRunnerFor()
  undo.push('book queries', () => bookQueries?.close())
  const dormantReads = bookQueries ? new DormantBookReads({ runner: bookQueries, metrics, log }) : null
  const dormantWrites = bookQueries ? new DormantBookWrites({ runner: bookQueries, metrics, log }) : null
  // Membership changes reach open connections at once, here and (through the fan-out) elsewhere.
  const directory = notifyMemberChanges(persistence.directory, async (bookId, userId) => {
    fanOut.publishMemberChange(bookId, userId)
    await relay?.memberChanged(bookId, userId)
  })
  fanOut.followMemberChanges((bookId, userId) => void relay?.memberChanged(bookId, userId))
  const books = createBookService({ registry, directory, dormantReads, dormantWrites })
  relay = new Relay({ registry, directory, tokens, metrics, log, maxFrameBytes: config.MAX_FRAME_BYTES, closeGraceMs: config.SHUTDOWN_CLOSE_GRACE_MS })
  // From here on books may load (the demo books below), so undoing start-up flushes them.
  let listening: Server | null = null
  undo.push('relay', () => stopRelay(relay, listening))

  if (config.AUTH_MODE === 'dev' && config.DEV_SEED) {
    const seeded = await seedDemo({ directory, books })
    if (seeded.length > 0) log.info({ books: seeded }, 'seeded demo books')
  }

  // The embedded back office of `npm start`: only with the bridge on and no real CRM named. Started
  // before the bridge is built, so that undoing a failed start-up stops the bridge first.
  let crmEmulator: CrmEmulator | null = null
  if (config.BRIDGE_ENABLED && !config.CRM_BASE_URL) {
    const { createCrmEmulator } = await import('@crm-sync/crm-emulator')
    const emulator = createCrmEmulator({
      token: config.CRM_TOKEN,
      webhookSecret: config.CRM_WEBHOOK_SECRET,
      dbFile: join(config.DATA_DIR, 'crm-emulator.db'),
    })
    // Its store is open from here, whether or not it gets its port.
    undo.push('CRM emulator', () => emulator.stop())
    const { url } = await emulator.start(config.CRM_EMULATOR_PORT, '127.0.0.1')
    crmEmulator = emulator
    log.info({ url }, 'embedded CRM emulator listening')
  }

  // CRM bridge: built before the app for its routes, started once the relay listens.
  const bridge = config.BRIDGE_ENABLED
    ? await (await import('./bridge/bridge-runtime')).createBridgeRuntime({ config, tokens, directory, docStore: persistence.docStore, metrics: metrics.bridge, log })
    : null
  if (bridge) undo.push('CRM bridge', () => bridge.stop()) // its state store is open already

  const app = createApp({
    tokens,
    directory,
    books,
    metrics,
    log,
    devLogin: config.AUTH_MODE === 'dev',
    signIn: signInConfigOf(config),
    maxBodyBytes: config.MAX_HTTP_BODY_BYTES,
    defaultRegion: opts.defaultRegion ?? 'US',
    healthChecks: fanOut.health ? [persistence.health, fanOut.health] : [persistence.health],
    ...(opts.serveClient ? { staticApp: createStaticApp() } : {}),
    // Import and export: own routes and body limit, see server/src/import/README.md.
    extraApiRoutes: [{
      path: '/books',
      app: importRoutes({ tokens, directory, books, pins: registry, maxImportBytes: config.MAX_IMPORT_BYTES, defaultRegion: opts.defaultRegion ?? 'US', log, ...(opts.importSpool ? { spool: opts.importSpool } : {}) }),
    }, ...(bridge?.routes ?? [])],
  })

  // Node's requestTimeout is one cap for all requests (300 s cuts off a 100 MB import slower
  // than ~2.8 Mbit/s): off, and request-body-timeouts.ts caps each body instead, an import's by
  // a minimum rate. Headers still have 60 s.
  const serverOptions = { requestTimeout: 0, headersTimeout: 60_000 }
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST, serverOptions }, () => {
      s.off('error', reject)
      resolve(s)
    }) as Server
    // A port already taken: the listen fails with an 'error' that, unheard, would be thrown uncaught.
    s.once('error', reject)
    guardRequestBodies(s, {
      idleMs: config.UPLOAD_IDLE_TIMEOUT_MS,
      deadlineMs: config.REQUEST_BODY_TIMEOUT_MS,
      isUpload: isImportUpload,
      minBytesPerSec: config.IMPORT_MIN_BYTES_PER_SEC,
      maxUploadBytes: config.MAX_IMPORT_BYTES,
    })
  })
  listening = server
  relay.start(server)
  const port = (server.address() as AddressInfo).port
  const host = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST
  log.info({ port, store: persistence.kind, auth: config.AUTH_MODE }, 'listening')
  // CRM bridge: on this relay's rooms (in process), and a client of the configured or embedded CRM.
  const crmBaseUrl = config.CRM_BASE_URL ?? crmEmulator?.url
  await bridge?.startWithRetry({
    relayUrl: `ws://${host}:${port}/sync`,
    rooms: registry,
    webhookUrl: `http://${host}:${port}/api/crm/webhooks`,
    ...(crmBaseUrl ? { crmBaseUrl } : {}),
  })

  // Upload copies a crashed server left behind. Started last, so a failed start-up leaves no
  // timer behind; imports taken meanwhile are safe, as a sweep never touches this process's copies.
  const spoolSweeper = new SpoolSweeper({ dir: opts.importSpool?.dir ?? tmpdir(), log })
  await spoolSweeper.start()

  let stopping: Promise<void> | null = null
  return {
    port,
    url: `http://${host}:${port}`,
    config,
    log,
    tokens,
    books,
    persistence,
    metrics,
    relay,
    rooms: registry,
    fanOut,
    crmEmulator,
    bridge,
    httpServer: server,
    stop: () =>
      (stopping ??= (async () => {
        // First: it holds nothing the rest needs, and a failure below must not leave it running.
        await spoolSweeper.stop()
        await bridge?.stop()
        await stopRelay(relay, server)
        await bookQueries?.close()
        await fanOut.stop()
        await crmEmulator?.stop()
        await persistence.close()
      })()),
  }
}
