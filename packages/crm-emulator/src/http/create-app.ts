// Assembles the emulator's Hono app: correlation ids, body size limit, the one error handler
// that renders HubSpot's error body, auth, rate limits and faults, then every route.
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { EmulatorError, isEmulatorError, toErrorBody } from '../errors'
import type { FaultInjector } from '../faults/fault-injector'
import type { CrmStore } from '../store/crm-store'
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher'
import type { WebhookRegistry } from '../webhooks/webhook-registry'
import { associationsRoutes } from './associations-routes'
import { authMiddleware, type AuthOptions } from './auth'
import { batchRoutes } from './batch-routes'
import { controlRoutes } from './control-routes'
import type { EmulatorEnv } from './hono-env'
import { objectsRoutes } from './objects-routes'
import { propertiesRoutes } from './properties-routes'
import type { RateLimiter } from './rate-limiter'
import { searchRoutes } from './search-routes'
import { trafficMiddleware } from './traffic-middleware'
import { webhooksRoutes } from './webhooks-routes'

export interface AppDeps {
  store: CrmStore
  registry: WebhookRegistry
  webhooks: WebhookDispatcher
  faults: FaultInjector
  limiter: RateLimiter
  auth: AuthOptions
  appId: number
  maxBodyBytes: number
  clock: () => number
}

export function createApp(deps: AppDeps): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()

  app.use('*', async (c, next) => {
    const correlationId = crypto.randomUUID()
    c.set('correlationId', correlationId)
    await next()
    c.res.headers.set('X-HubSpot-Correlation-Id', correlationId)
  })
  app.use('*', bodyLimit({
    maxSize: deps.maxBodyBytes,
    onError: () => {
      throw new EmulatorError('payload-too-large', `The request body is larger than the limit of ${deps.maxBodyBytes} bytes`)
    },
  }))

  app.onError((error, c) => {
    const known = isEmulatorError(error)
      ? error
      : new EmulatorError('internal', 'internal error', { cause: error })
    if (!isEmulatorError(error)) console.error('[crm-emulator] unexpected error', error)
    const res = c.json(toErrorBody(known, c.get('correlationId') ?? crypto.randomUUID()), known.status as 400)
    for (const [name, value] of Object.entries(known.headers ?? {})) res.headers.set(name, value)
    return res
  })
  app.notFound((c) => {
    const error = new EmulatorError('not-found', `No route for ${c.req.method} ${c.req.path}`)
    return c.json(toErrorBody(error, c.get('correlationId')), 404)
  })

  app.get('/__emulator/health', (c) => c.json({ ok: true }))
  const auth = authMiddleware(deps.auth)
  app.use('/__emulator/*', auth)
  app.route('/', controlRoutes(deps))

  const traffic = trafficMiddleware(deps.limiter, deps.faults)
  for (const prefix of ['/crm/*', '/webhooks/*']) app.use(prefix, auth, traffic)
  app.route('/', searchRoutes(deps.store, deps.faults, deps.clock))
  app.route('/', batchRoutes(deps.store, deps.clock))
  app.route('/', objectsRoutes(deps.store))
  app.route('/', associationsRoutes(deps.store, deps.clock))
  app.route('/', propertiesRoutes(deps.store))
  app.route('/', webhooksRoutes(deps.registry, deps.appId, deps.clock))
  return app
}
