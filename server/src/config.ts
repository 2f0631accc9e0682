// All configuration comes from environment variables, read and validated here once, then
// passed down explicitly. The README lists every variable.
import { z } from 'zod'
import { bridgeConfigShape } from './bridge/bridge-config'
import { postgresConfigShape } from './store/postgres-config'

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max)

export const configSchema = z
  .object({
    PORT: int(0, 65535).default(8787),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    AUTH_MODE: z.enum(['dev', 'jwt']).default('dev'),
    AUTH_JWT_SECRET: z.string().min(32, 'AUTH_JWT_SECRET must be at least 32 characters').optional(),
    AUTH_JWKS_URL: z.url().optional(),
    AUTH_JWT_ISSUER: z.string().optional(),
    AUTH_JWT_AUDIENCE: z.string().optional(),
    /** OpenID Connect sign-in for the web app (auth/sign-in-config.ts); AUTH_MODE=jwt only. */
    AUTH_OIDC_ISSUER: z.url().optional(),
    AUTH_OIDC_CLIENT_ID: z.string().trim().min(1).max(256).optional(),
    /** Unset: DEFAULT_OIDC_SCOPE ('openid profile offline_access'). Kept optional here so a scope set without OIDC is refused. */
    AUTH_OIDC_SCOPE: z.string().trim().regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'space-separated scope tokens').optional(),
    /** RFC 8707 resource indicator: the IdP issues access tokens for this audience (our API). */
    AUTH_OIDC_RESOURCE: z.url().optional(),
    DEV_SEED: bool.default(true),
    MAX_FRAME_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
    MAX_HTTP_BODY_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
    MAX_IMPORT_BYTES: int(1024, 1024 * 1024 * 1024).default(100 * 1024 * 1024),
    /** A request body that sends nothing for this long, while the server reads it, is dropped (408). */
    UPLOAD_IDLE_TIMEOUT_MS: int(100, 3_600_000).default(60_000),
    /** The total time a request body has to arrive (Node's old requestTimeout); import uploads get at least this. */
    REQUEST_BODY_TIMEOUT_MS: int(100, 3_600_000).default(300_000),
    /** An import upload may take as long as arriving at this average rate needs (its Content-Length, or MAX_IMPORT_BYTES). */
    IMPORT_MIN_BYTES_PER_SEC: int(1, 1024 * 1024 * 1024).default(16 * 1024),
    BOOK_UNLOAD_GRACE_MS: int(0, 3_600_000).default(10_000),
    /** On shutdown, how long a client may take to answer the close before its socket is cut. */
    SHUTDOWN_CLOSE_GRACE_MS: int(0, 60_000).default(5_000),
    BOOK_HIBERNATE_MS: int(0, 86_400_000).default(30_000),
    COMPACT_THRESHOLD: int(2, 10_000_000).default(1000),
    /** Days folded log entries are kept for field history; 0 keeps them forever. */
    LOG_RETENTION_DAYS: int(0, 36_500).default(90),
    DATABASE_URL: z.string().optional(),
    ...postgresConfigShape,
    REDIS_URL: z.string().optional(),
    REDIS_PREFIX: z.string().min(1).max(64).default("crm-sync:"),
    BRIDGE_ENABLED: bool.default(true),
    BRIDGE_DEFAULT_BOOK: z.string().default('north-territory'),
    CRM_BASE_URL: z.url().optional(),
    CRM_TOKEN: z.string().min(1).default('dev-crm-token'),
    CRM_EMULATOR_PORT: int(0, 65535).default(8790),
    CRM_WEBHOOK_SECRET: z.string().min(8).default('dev-crm-webhook-secret'),
    // The CRM bridge's own variables (issue 6), listed in server/src/bridge/README.md.
    ...bridgeConfigShape,
  })
  .superRefine((c, ctx) => {
    if (c.AUTH_MODE === 'jwt' && !c.AUTH_JWT_SECRET && !c.AUTH_JWKS_URL) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_MODE'], message: 'AUTH_MODE=jwt needs AUTH_JWT_SECRET or AUTH_JWKS_URL' })
    }
    checkOidc(c, ctx)
    if (c.DATABASE_URL && !/^postgres(ql)?:\/\//.test(c.DATABASE_URL)) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'DATABASE_URL must be a postgres:// URL' })
    }
    if (c.REDIS_URL && !/^rediss?:\/\//.test(c.REDIS_URL)) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'REDIS_URL must be a redis:// URL' })
    }
  })

export type Config = z.infer<typeof configSchema>

const OIDC_VARS = ['AUTH_OIDC_ISSUER', 'AUTH_OIDC_CLIENT_ID', 'AUTH_OIDC_SCOPE', 'AUTH_OIDC_RESOURCE'] as const
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

const sameUrl = (a: string, b: string): boolean => URL.canParse(a) && URL.canParse(b) && new URL(a).href === new URL(b).href

/**
 * OIDC sign-in only with AUTH_MODE=jwt, issuer and client id together, https (loopback aside),
 * and with the server's token checks pinned to that IdP and this API: its keys (AUTH_JWKS_URL),
 * its issuer (AUTH_JWT_ISSUER) and this API's audience (AUTH_JWT_AUDIENCE, the resource the app
 * asks for, never the client id). Without them any token the IdP signs (another application's, or
 * the app's own ID token, which sits on the device and goes into the logout URL) would pass.
 */
function checkOidc(c: Pick<Config, 'AUTH_MODE' | 'AUTH_JWKS_URL' | 'AUTH_JWT_ISSUER' | 'AUTH_JWT_AUDIENCE' | (typeof OIDC_VARS)[number]>, ctx: z.RefinementCtx): void {
  const set = OIDC_VARS.filter((name) => c[name] !== undefined)
  if (set.length === 0) return
  if (c.AUTH_MODE !== 'jwt') {
    for (const name of set) ctx.addIssue({ code: 'custom', path: [name], message: `${name} needs AUTH_MODE=jwt (OpenID Connect sign-in replaces dev login)` })
    return
  }
  if (!c.AUTH_OIDC_ISSUER) ctx.addIssue({ code: 'custom', path: ['AUTH_OIDC_ISSUER'], message: `AUTH_OIDC_ISSUER is needed with ${set.join(', ')}` })
  if (!c.AUTH_OIDC_CLIENT_ID) ctx.addIssue({ code: 'custom', path: ['AUTH_OIDC_CLIENT_ID'], message: `AUTH_OIDC_CLIENT_ID is needed with ${set.join(', ')}` })
  // Refinements run even after a field failed its own check (named already): only a URL is looked into.
  if (c.AUTH_OIDC_ISSUER && URL.canParse(c.AUTH_OIDC_ISSUER)) {
    const issuer = new URL(c.AUTH_OIDC_ISSUER)
    if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname))) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_OIDC_ISSUER'], message: 'AUTH_OIDC_ISSUER must be an https:// URL (http:// only on localhost)' })
    }
    if (issuer.search || issuer.hash) ctx.addIssue({ code: 'custom', path: ['AUTH_OIDC_ISSUER'], message: 'AUTH_OIDC_ISSUER must have no query or fragment' })
    // It is published to anyone by GET /api/auth/config.
    if (issuer.username || issuer.password) ctx.addIssue({ code: 'custom', path: ['AUTH_OIDC_ISSUER'], message: 'AUTH_OIDC_ISSUER must hold no user name or password' })
  }
  if (c.AUTH_OIDC_ISSUER) {
    if (!c.AUTH_JWKS_URL) ctx.addIssue({ code: 'custom', path: ['AUTH_JWKS_URL'], message: "AUTH_JWKS_URL (the IdP's jwks_uri) is needed with AUTH_OIDC_ISSUER: the IdP's tokens are checked with its keys" })
    if (!c.AUTH_JWT_ISSUER || !sameUrl(c.AUTH_JWT_ISSUER, c.AUTH_OIDC_ISSUER)) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_JWT_ISSUER'], message: 'AUTH_JWT_ISSUER must be set to AUTH_OIDC_ISSUER: only tokens of that IdP are taken' })
    }
    if (!c.AUTH_JWT_AUDIENCE) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_JWT_AUDIENCE'], message: "AUTH_JWT_AUDIENCE (this API's audience at the IdP) is needed with AUTH_OIDC_ISSUER: only tokens for this API are taken" })
    } else if (c.AUTH_JWT_AUDIENCE === c.AUTH_OIDC_CLIENT_ID) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_JWT_AUDIENCE'], message: "AUTH_JWT_AUDIENCE must not be the client id: that is the ID tokens' audience, not this API's" })
    } else if (c.AUTH_OIDC_RESOURCE && c.AUTH_OIDC_RESOURCE !== c.AUTH_JWT_AUDIENCE) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_OIDC_RESOURCE'], message: 'AUTH_OIDC_RESOURCE must be AUTH_JWT_AUDIENCE: the app asks for tokens of the audience the server takes' })
    }
  }
  if (typeof c.AUTH_OIDC_SCOPE === 'string' && !c.AUTH_OIDC_SCOPE.split(' ').includes('openid')) {
    ctx.addIssue({ code: 'custom', path: ['AUTH_OIDC_SCOPE'], message: 'AUTH_OIDC_SCOPE must include openid' })
  }
  if (typeof c.AUTH_OIDC_RESOURCE === 'string' && c.AUTH_OIDC_RESOURCE.includes('#')) ctx.addIssue({ code: 'custom', path: ['AUTH_OIDC_RESOURCE'], message: 'AUTH_OIDC_RESOURCE must have no fragment (RFC 8707)' })
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly code = 'invalid-config' as const
}

/** Parses the environment; throws ConfigError naming every bad variable. Empty strings count as unset. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = configSchema.safeParse(present)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}
