// The HTTP API as a Hono app, built from explicit dependencies (see main.ts for the wiring).
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { compress } from 'hono/compress'
import type { CountryCode } from 'libphonenumber-js'
import type { Logger } from 'pino'
import type { SignInConfig } from '../auth/sign-in-config'
import type { TokenService } from '../auth/token-service'
import type { BookService } from '../books/book-service'
import type { HealthCheck } from '../health-check'
import type { Metrics } from '../metrics'
import type { BookDirectory } from '../store/book-directory'
import { createErrorHandler } from './error-handler'
import { HttpError } from './http-error'
import { openApiDocument } from './openapi'
import { authRoutes } from './routes/auth-routes'
import { bookRoutes } from './routes/book-routes'
import { customerRoutes } from './routes/customer-routes'
import { opsRoutes } from './routes/ops-routes'

export interface AppDeps {
  readonly tokens: TokenService
  readonly directory: BookDirectory
  readonly books: BookService
  readonly metrics: Metrics
  readonly log: Logger
  readonly devLogin: boolean
  /** What GET /api/auth/config tells the web app about signing in. */
  readonly signIn: SignInConfig
  readonly maxBodyBytes: number
  readonly defaultRegion: CountryCode
  readonly healthChecks: readonly HealthCheck[]
  /** Extra routes mounted under /api (importer, bridge webhooks), each owning its own limits. */
  readonly extraApiRoutes?: ReadonlyArray<{ path: string; app: Hono<any> }>
  /** Serves the built web app (and falls back to its index.html) when given. */
  readonly staticApp?: MiddlewareHandler
}

/** The import upload streams its body under its own limit (MAX_IMPORT_BYTES); no other route is exempt. */
const isImportUpload = (c: Context): boolean => c.req.method === 'POST' && /^\/api\/books\/[^/]+\/import$/.test(c.req.path)

export const createApp = (d: AppDeps): Hono => {
  const app = new Hono()
  app.onError(createErrorHandler(d.log))
  const limit = bodyLimit({
    maxSize: d.maxBodyBytes,
    onError: () => {
      throw new HttpError(413, 'body-too-large', `request body is larger than ${d.maxBodyBytes} bytes`)
    },
  })
  app.route('/', opsRoutes({ metrics: d.metrics, checks: d.healthChecks }))
  // Book reads are large (a 10,000-customer list is ~12 MiB of JSON, ~2 MiB gzipped) and reps are
  // often on mobile networks; writes and streamed import progress stay uncompressed.
  const gzip = compress()
  app.use('/api/books/*', async (c, next) => (c.req.method === 'GET' ? gzip(c, next) : next()))
  app.get('/api/openapi.json', (c) => c.json(openApiDocument))
  for (const extra of d.extraApiRoutes ?? []) app.route(`/api${extra.path}`, extra.app)
  app.use('/api/auth/*', limit)
  app.use('/api/books/*', async (c, next) => (isImportUpload(c) ? next() : limit(c, next)))
  app.route('/api/auth', authRoutes({ tokens: d.tokens, devLogin: d.devLogin, signIn: d.signIn }))
  app.route('/api/books', bookRoutes(d))
  app.route('/api/books', customerRoutes(d))
  app.all('/api/*', () => {
    throw new HttpError(404, 'not-found', 'no such endpoint')
  })
  if (d.staticApp) app.use('*', d.staticApp)
  return app
}
