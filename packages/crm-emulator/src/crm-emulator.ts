// The factory of a whole emulated back office: store, properties, webhooks, faults, rate limits
// and the Hono app, wired from explicit options (no module state), with start()/stop() to serve it.
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import type { Hono } from 'hono'
import { applySeed, generateSeed, type SeedResult } from './activity/seed'
import type { FaultConfigInput } from './faults/fault-config'
import { FaultInjector } from './faults/fault-injector'
import { createApp } from './http/create-app'
import type { EmulatorEnv } from './http/hono-env'
import { HUBSPOT_RATE_LIMITS, RateLimiter, type RateLimitOptions } from './http/rate-limiter'
import { CrmStore } from './store/crm-store'
import { createMemoryPersistence, type Persistence } from './store/persistence'
import { createSqlitePersistence } from './store/sqlite-persistence'
import { DEFAULT_WEBHOOK_DELIVERY, WebhookDispatcher, type WebhookDeliveryOptions } from './webhooks/webhook-dispatcher'
import { WebhookRegistry, type WebhookEventType } from './webhooks/webhook-registry'

export interface CrmEmulatorOptions {
  /** Bearer token the API accepts (private-app access token). */
  token?: string
  /** `hapikey` accepted by the webhooks API (the SDK's developerApiKey). */
  developerApiKey?: string
  /** The app's client secret: key of the webhook signatures. */
  webhookSecret?: string
  appId?: number
  portalId?: number
  /** SQLite file to keep state in; in memory when absent. */
  dbFile?: string
  /** Or any persistence (wins over dbFile). */
  persistence?: Persistence
  rateLimits?: Partial<RateLimitOptions>
  faults?: FaultConfigInput
  webhooks?: Partial<Omit<WebhookDeliveryOptions, 'secret' | 'appId' | 'portalId'>> & {
    /** Sets the app's webhook target when none is stored yet. */
    targetUrl?: string
    maxConcurrentRequests?: number
    /** Subscriptions to create (active) when none are stored yet. */
    subscriptions?: Array<{ eventType: WebhookEventType; propertyName?: string }>
  }
  /** Companies (with contacts and deals) to generate when the store is empty. */
  seed?: { companies: number; seed?: number }
  maxBodyBytes?: number
  clock?: () => number
  fetch?: typeof fetch
}

export interface CrmEmulator {
  readonly app: Hono<EmulatorEnv>
  readonly store: CrmStore
  readonly faults: FaultInjector
  readonly webhooks: WebhookDispatcher
  readonly webhookRegistry: WebhookRegistry
  readonly rateLimiter: RateLimiter
  readonly token: string
  /** Base URL once started (e.g. for `new Client({ basePath })`). */
  readonly url: string | undefined
  /** Serves the API; port 0 picks a free one. Also starts webhook delivery. */
  start(port?: number, host?: string): Promise<{ port: number; url: string }>
  /** Stops serving and delivering, closes persistence. Idempotent. */
  stop(): Promise<void>
  seed(companies: number, seed?: number): SeedResult
}

const DEFAULTS = {
  token: 'dev-crm-token',
  developerApiKey: 'dev-crm-developer-key',
  webhookSecret: 'dev-crm-webhook-secret',
  appId: 1,
  portalId: 62515,
  maxBodyBytes: 3_000_000,
} as const

export function createCrmEmulator(options: CrmEmulatorOptions = {}): CrmEmulator {
  const o = { ...DEFAULTS, ...options }
  const clock = o.clock ?? Date.now
  const persistence = o.persistence ?? (o.dbFile ? createSqlitePersistence(o.dbFile) : createMemoryPersistence())
  const store = new CrmStore({ persistence, clock })
  const faults = new FaultInjector(o.faults)
  const limiter = new RateLimiter({ ...HUBSPOT_RATE_LIMITS, ...o.rateLimits }, clock)
  const registry = new WebhookRegistry(persistence, () => new Date(clock()).toISOString())
  const webhooks = new WebhookDispatcher({
    store,
    registry,
    faults,
    clock,
    fetch: o.fetch ?? fetch,
    options: { ...DEFAULT_WEBHOOK_DELIVERY, ...o.webhooks, secret: o.webhookSecret, appId: o.appId, portalId: o.portalId },
  })
  if (o.webhooks?.targetUrl && !registry.settings) registry.setSettings(o.webhooks.targetUrl, o.webhooks.maxConcurrentRequests ?? 10)
  if (o.webhooks?.subscriptions && registry.list().length === 0) {
    for (const s of o.webhooks.subscriptions) registry.create(s.eventType, s.propertyName, true)
  }
  const seed = (companies: number, seedValue?: number): SeedResult =>
    applySeed(store, generateSeed({ companies, seed: seedValue ?? Date.now(), now: clock() }))
  if (o.seed && store.count('companies') === 0) seed(o.seed.companies, o.seed.seed)

  const app = createApp({
    store, registry, webhooks, faults, limiter, clock,
    auth: { token: o.token, developerApiKey: o.developerApiKey },
    appId: o.appId,
    maxBodyBytes: o.maxBodyBytes,
  })

  let server: ServerType | undefined
  let url: string | undefined
  let stopped = false

  return {
    app, store, faults, webhooks, rateLimiter: limiter, webhookRegistry: registry, token: o.token, seed,
    get url() {
      return url
    },
    start(port = 0, host = '127.0.0.1') {
      if (server) return Promise.reject(new Error('crm-emulator already started'))
      return new Promise((resolve, reject) => {
        const s = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
          url = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`
          webhooks.start()
          resolve({ port: info.port, url })
        })
        s.once('error', reject)
        server = s
      })
    },
    async stop() {
      if (stopped) return
      stopped = true
      await webhooks.stop()
      const s = server
      server = undefined
      if (s) {
        await new Promise<void>((resolve) => {
          s.close(() => resolve())
          if ('closeAllConnections' in s) s.closeAllConnections()
        })
      }
      persistence.close()
    },
  }
}
