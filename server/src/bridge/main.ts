// `npm run bridge`: the CRM bridge alone, as a Yjs client of any relay instance. It shares the
// store's database (for its state and the relay's update log) and serves its own small HTTP API
// (webhooks, sync status, conflicts, attention, metrics). SIGTERM/SIGINT stop it cleanly.
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import pino from 'pino'
import { Registry, collectDefaultMetrics } from 'prom-client'
import { loadOrCreateDevSecret } from '../auth/dev-secret'
import { createTokenService } from '../auth/token-service'
import { createErrorHandler } from '../http/error-handler'
import { HttpError } from '../http/http-error'
import { openPersistence } from '../persistence'
import { createBridgeMetrics } from './bridge-metrics'
import { createBridgeRuntime } from './bridge-runtime'
import { BridgeConfigError, loadStandaloneConfig } from './standalone-config'

const main = async () => {
  let config
  try {
    config = loadStandaloneConfig(process.env)
  } catch (e) {
    if (e instanceof BridgeConfigError) {
      console.error(e.message)
      process.exit(2)
    }
    throw e
  }
  const log = pino({ level: config.LOG_LEVEL })
  const persistence = await openPersistence(config, log)
  const tokens = createTokenService({
    ...(config.AUTH_JWKS_URL ? { jwksUrl: config.AUTH_JWKS_URL } : {}),
    secret: config.AUTH_JWT_SECRET ? new TextEncoder().encode(config.AUTH_JWT_SECRET) : loadOrCreateDevSecret(config.DATA_DIR),
  })
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const metrics = createBridgeMetrics(registry)
  const staticToken = config.BRIDGE_TOKEN
  const runtime = await createBridgeRuntime({
    config, tokens, directory: persistence.directory, docStore: persistence.docStore, metrics, log,
    ...(staticToken ? { getToken: async () => staticToken } : {}),
  })

  const app = new Hono()
  app.onError(createErrorHandler(log))
  app.get('/health', (c) => c.json({ ok: true, running: runtime.service !== null }))
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }))
  for (const r of runtime.routes) app.route(`/api${r.path}`, r.app as Hono)
  app.all('*', () => {
    throw new HttpError(404, 'not-found', 'no such endpoint')
  })
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.BRIDGE_PORT, hostname: config.BRIDGE_HOST }, () => resolve(s))
  })
  const port = (server.address() as AddressInfo).port
  log.info({ port, relay: config.BRIDGE_RELAY_URL, crm: config.CRM_BASE_URL }, 'bridge listening')
  await runtime.startWithRetry({
    relayUrl: config.BRIDGE_RELAY_URL,
    crmBaseUrl: config.CRM_BASE_URL,
    webhookUrl: `http://${config.BRIDGE_HOST}:${port}/api/crm/webhooks`,
  })

  const shutdown = (signal: string) => {
    log.info({ signal }, 'bridge shutting down')
    const force = setTimeout(() => process.exit(1), 15_000)
    force.unref()
    void (async () => {
      await runtime.stop()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await persistence.close()
      process.exit(0)
    })().catch((err: unknown) => {
      log.error({ err }, 'bridge shutdown failed')
      process.exit(1)
    })
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
}

void main()
