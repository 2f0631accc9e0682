// Wires one bridge from configuration: its state store (in the store's own database), the
// HubSpot adapter, the service, and the HTTP routes it adds. server.ts (inside `npm start`) and
// main.ts (`npm run bridge`, alone) both build the bridge through this one function.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { BRIDGE_USER } from '../auth/identity'
import type { TokenService } from '../auth/token-service'
import type { AuthEnv } from '../http/auth-middleware'
import type { RoomRegistry } from '../relay/room-registry'
import type { BookDirectory } from '../store/book-directory'
import type { DocStore } from '../store/doc-store'
import type { BridgeConfig } from './bridge-config'
import type { BridgeMetrics } from './bridge-metrics'
import { BookRegistry } from './book-registry'
import { bridgeBookRoutes, syncStatusRoutes } from './bridge-routes'
import { BridgeService } from './bridge-service'
import type { BridgeStateStore } from './bridge-state-store'
import { createLogFieldClock, NO_FIELD_CLOCK } from './crdt-field-clock'
import { buildFieldMap } from './field-map'
import { createHubSpotAdapter } from './hubspot-adapter'
import { RelayBooks } from './relay-books'
import { configureWebhooks } from './webhook-setup'
import { webhookRoutes } from './webhook-routes'

export type BridgeRuntimeConfig = BridgeConfig & {
  readonly DATA_DIR: string
  readonly DATABASE_URL?: string | undefined
  /** The state store's pool (postgres-pool.ts); its default when omitted. */
  readonly PG_STATEMENT_TIMEOUT_MS?: number | undefined
}

export interface BridgeRuntimeOptions {
  readonly config: BridgeRuntimeConfig
  /** Verifies callers of the bridge's routes; issues the bridge's own token unless getToken is given. */
  readonly tokens: TokenService
  readonly getToken?: () => Promise<string>
  readonly directory: BookDirectory
  /** The relay's store: the source of CRDT-side change times. */
  readonly docStore: DocStore | null
  readonly metrics: BridgeMetrics
  readonly log: Logger
  /** Defaults to the store's database (SQLite under DATA_DIR, or DATABASE_URL). */
  readonly state?: BridgeStateStore
  /** Test hook: the worker loop's idle sleep. */
  readonly tickMs?: number
}

export interface BridgeStartOptions {
  /** The relay's sync endpoint, e.g. ws://127.0.0.1:8787/sync: the bridge as a Yjs client of it. */
  readonly relayUrl: string
  /** The relay's rooms when the bridge runs in the relay's own process: used instead of relayUrl. */
  readonly rooms?: RoomRegistry
  readonly crmBaseUrl?: string
  /** Where the CRM should post webhooks (registered at start when BRIDGE_WEBHOOK_SETUP). */
  readonly webhookUrl?: string
}

export interface BridgeRuntime {
  /** For createApp's extraApiRoutes. */
  readonly routes: ReadonlyArray<{ path: string; app: Hono | Hono<AuthEnv> }>
  readonly state: BridgeStateStore
  readonly service: BridgeService | null
  start(o: BridgeStartOptions): Promise<BridgeService>
  /**
   * Starts, and when the CRM or the relay is not reachable yet keeps trying every `retryMs` in
   * the background (logged), so the rest of the server comes up regardless. Resolves after the first try.
   */
  startWithRetry(o: BridgeStartOptions, retryMs?: number): Promise<void>
  /** Stops the service and closes the state store. */
  stop(): Promise<void>
}

export async function openBridgeStateStore(config: Pick<BridgeRuntimeConfig, 'DATA_DIR' | 'DATABASE_URL' | 'PG_STATEMENT_TIMEOUT_MS'>): Promise<BridgeStateStore> {
  if (config.DATABASE_URL) {
    const [{ createPostgresPool }, { createPostgresBridgeStateStore }] = await Promise.all([
      import('../store/postgres-pool'), import('./postgres-bridge-state-store'),
    ])
    const timeout = config.PG_STATEMENT_TIMEOUT_MS === undefined ? {} : { statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS }
    return createPostgresBridgeStateStore(createPostgresPool(config.DATABASE_URL, { max: 4, ...timeout }), { endPool: true })
  }
  const [{ openSqliteDatabase }, { createSqliteBridgeStateStore }] = await Promise.all([
    import('../store/sqlite-database'), import('./sqlite-bridge-state-store'),
  ])
  mkdirSync(config.DATA_DIR, { recursive: true })
  // Its own connection to the relay's database file (WAL: readers and this writer coexist).
  return createSqliteBridgeStateStore(openSqliteDatabase(join(config.DATA_DIR, 'crm-sync.db')), { closeDb: true })
}

export async function createBridgeRuntime(o: BridgeRuntimeOptions): Promise<BridgeRuntime> {
  const c = o.config
  const state = o.state ?? (await openBridgeStateStore(c))
  const map = buildFieldMap(c.BRIDGE_FIELD_MAP ?? {})
  let service: BridgeService | null = null
  let stopped = false
  let retryTimer: NodeJS.Timeout | undefined
  const getToken = o.getToken ?? (() => o.tokens.issue(BRIDGE_USER))

  const routes = [
    {
      path: '/crm',
      app: webhookRoutes({
        secret: c.CRM_WEBHOOK_SECRET, state, metrics: o.metrics, maxAgeMs: c.BRIDGE_WEBHOOK_MAX_AGE_MS,
        ...(c.BRIDGE_WEBHOOK_URL ? { publicUrl: c.BRIDGE_WEBHOOK_URL } : {}),
        onEvents: (events) => service?.onWebhook(events),
      }),
    },
    { path: '/books', app: bridgeBookRoutes({ tokens: o.tokens, directory: o.directory, state: () => state }) },
    { path: '/sync', app: syncStatusRoutes({ tokens: o.tokens, directory: o.directory, status: () => service?.status() ?? null }) },
  ]

  const runtime: BridgeRuntime = {
    routes,
    state,
    get service() {
      return service
    },
    async start(s) {
      if (service) return service
      const crm = createHubSpotAdapter({
        accessToken: c.CRM_TOKEN,
        ...(s.crmBaseUrl ? { basePath: s.crmBaseUrl } : {}),
        limits: {
          windowMs: c.BRIDGE_CRM_RATE_WINDOW_MS, maxPerWindow: c.BRIDGE_CRM_RATE_MAX,
          searchWindowMs: c.BRIDGE_CRM_SEARCH_WINDOW_MS, searchMaxPerWindow: c.BRIDGE_CRM_SEARCH_RATE_MAX,
          maxConcurrent: c.BRIDGE_CRM_CONCURRENCY,
        },
        retry: { maxAttempts: c.BRIDGE_CRM_MAX_ATTEMPTS, baseDelayMs: c.BRIDGE_CRM_RETRY_BASE_MS, timeoutMs: c.BRIDGE_CRM_TIMEOUT_MS },
        events: {
          onRequest: (kind) => o.metrics.crmRequests.inc({ kind }),
          onRetry: (e) => o.metrics.crmRetries.inc({ reason: e.code }),
          onFailure: (e) => o.metrics.errors.inc({ kind: `crm-${e.code}` }),
        },
      })
      const webhookUrl = c.BRIDGE_WEBHOOK_URL ?? s.webhookUrl
      const next = new BridgeService({
        crm, state,
        books: (b) => (s.rooms ? new RelayBooks({ ...b, rooms: s.rooms, keepAwakeMs: c.BRIDGE_PUSH_MAX_WAIT_MS }) : new BookRegistry({ ...b, serverUrl: s.relayUrl, getToken })),
        listBooks: async () => (await o.directory.listBooksFor(BRIDGE_USER.userId)).filter((b) => b.role !== 'viewer').map((b) => b.id),
        clock: o.docStore ? createLogFieldClock(o.docStore) : NO_FIELD_CLOCK,
        metrics: o.metrics, log: o.log, map,
        rules: { owners: c.BRIDGE_OWNER_BOOKS ?? {}, territories: c.BRIDGE_TERRITORY_BOOKS ?? {}, defaultBook: c.BRIDGE_DEFAULT_BOOK },
        portal: c.BRIDGE_CRM_ACCOUNT,
        timings: {
          pullIntervalMs: c.BRIDGE_PULL_INTERVAL_MS, reconcileIntervalMs: c.BRIDGE_RECONCILE_INTERVAL_MS,
          pullOverlapMs: c.BRIDGE_PULL_OVERLAP_MS, debounceMs: c.BRIDGE_PUSH_DEBOUNCE_MS, maxWaitMs: c.BRIDGE_PUSH_MAX_WAIT_MS,
          ackTimeoutMs: c.BRIDGE_ACK_TIMEOUT_MS, maxAttempts: c.BRIDGE_MAX_ATTEMPTS, bookRefreshMs: c.BRIDGE_BOOK_REFRESH_MS,
          ...(o.tickMs !== undefined ? { tickMs: o.tickMs } : {}),
        },
        ...(c.BRIDGE_WEBHOOK_SETUP && webhookUrl
          ? {
              setup: async () => {
                const r = await configureWebhooks({
                  developerApiKey: c.CRM_DEVELOPER_API_KEY, appId: c.CRM_APP_ID, targetUrl: webhookUrl, map,
                  ...(s.crmBaseUrl ? { basePath: s.crmBaseUrl } : {}),
                })
                o.log.info({ targetUrl: webhookUrl, created: r.created }, 'CRM webhooks configured')
              },
            }
          : {}),
      })
      await next.start()
      service = next
      return next
    },
    async startWithRetry(s, retryMs = 5_000) {
      const attempt = async (): Promise<void> => {
        if (stopped) return
        try {
          await runtime.start(s)
        } catch (error) {
          o.metrics.errors.inc({ kind: 'start' })
          o.log.error({ err: error, retryMs }, 'CRM bridge could not start; retrying')
          retryTimer = setTimeout(() => void attempt(), retryMs)
          retryTimer.unref()
        }
      }
      await attempt()
    },
    async stop() {
      stopped = true
      clearTimeout(retryTimer)
      const s = service
      service = null
      await s?.stop()
      await state.close()
    },
  }
  return runtime
}
