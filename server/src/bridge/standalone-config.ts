// Configuration of `npm run bridge` (the bridge alone, beside any relay instance): the bridge's
// own variables plus where to find the relay, the store and the CRM, validated with zod once.
import { z } from 'zod'
import { postgresConfigShape } from '../store/postgres-config'
import { bridgeConfigShape } from './bridge-config'

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max)

export const standaloneConfigSchema = z
  .object({
    ...bridgeConfigShape,
    /** The relay's sync endpoint. */
    BRIDGE_RELAY_URL: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').default('ws://127.0.0.1:8787/sync'),
    /** HTTP port of the bridge's own endpoints (webhooks, status, conflicts, metrics). */
    BRIDGE_PORT: int(0, 65535).default(8791),
    BRIDGE_HOST: z.string().min(1).default('127.0.0.1'),
    /** A ready-made token for the relay; otherwise one is issued with the signing secret. */
    BRIDGE_TOKEN: z.string().min(1).optional(),
    BRIDGE_DEFAULT_BOOK: z.string().min(1).default('north-territory'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
    ...postgresConfigShape,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    AUTH_JWT_SECRET: z.string().min(32).optional(),
    AUTH_JWKS_URL: z.url().optional(),
    CRM_BASE_URL: z.url().default('http://127.0.0.1:8790'),
    CRM_TOKEN: z.string().min(1).default('dev-crm-token'),
    CRM_WEBHOOK_SECRET: z.string().min(8).default('dev-crm-webhook-secret'),
  })

export type StandaloneConfig = z.infer<typeof standaloneConfigSchema>

export class BridgeConfigError extends Error {
  override readonly name = 'BridgeConfigError'
  readonly code = 'invalid-config' as const
}

export function loadStandaloneConfig(env: Record<string, string | undefined>): StandaloneConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = standaloneConfigSchema.safeParse(present)
  if (!parsed.success) {
    throw new BridgeConfigError(`Invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`)
  }
  return parsed.data
}
