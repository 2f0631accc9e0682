// The bridge's environment variables as one zod shape: spread into the server's configSchema
// (config.ts) and into the stand-alone bridge's schema (main.ts), so both validate them alike.
import { z } from 'zod'
import { bookRuleMapSchema } from './book-assignment'
import { parseFieldMapOverride, type FieldMapOverride } from './field-map'

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max)
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')
const json = <T>(what: string, parse: (raw: string) => T) =>
  z.string().transform((raw, ctx): T => {
    try {
      return parse(raw)
    } catch (e) {
      ctx.issues.push({ code: 'custom', message: `${what}: ${e instanceof Error ? e.message : String(e)}`, input: raw })
      return z.NEVER
    }
  })

export const bridgeConfigShape = {
  BRIDGE_PULL_INTERVAL_MS: int(100, 86_400_000).default(10_000),
  BRIDGE_RECONCILE_INTERVAL_MS: int(1_000, 7 * 86_400_000).default(600_000),
  BRIDGE_PULL_OVERLAP_MS: int(0, 3_600_000).default(30_000),
  BRIDGE_PUSH_DEBOUNCE_MS: int(0, 60_000).default(1_000),
  BRIDGE_PUSH_MAX_WAIT_MS: int(0, 600_000).default(5_000),
  BRIDGE_BOOK_REFRESH_MS: int(100, 86_400_000).default(30_000),
  BRIDGE_ACK_TIMEOUT_MS: int(100, 600_000).default(10_000),
  BRIDGE_MAX_ATTEMPTS: int(1, 1000).default(10),
  BRIDGE_CRM_RATE_WINDOW_MS: int(10, 3_600_000).default(10_000),
  BRIDGE_CRM_RATE_MAX: int(1, 100_000).default(90),
  BRIDGE_CRM_SEARCH_RATE_MAX: int(1, 100_000).default(4),
  BRIDGE_CRM_SEARCH_WINDOW_MS: int(10, 60_000).default(1_000),
  BRIDGE_CRM_CONCURRENCY: int(1, 64).default(4),
  BRIDGE_CRM_MAX_ATTEMPTS: int(1, 50).default(8),
  BRIDGE_CRM_RETRY_BASE_MS: int(1, 60_000).default(250),
  BRIDGE_CRM_TIMEOUT_MS: int(100, 600_000).default(30_000),
  BRIDGE_CRM_ACCOUNT: z.string().min(1).max(100).default('default'),
  BRIDGE_OWNER_BOOKS: json('BRIDGE_OWNER_BOOKS', (raw) => bookRuleMapSchema.parse(JSON.parse(raw))).optional(),
  BRIDGE_TERRITORY_BOOKS: json('BRIDGE_TERRITORY_BOOKS', (raw) => bookRuleMapSchema.parse(JSON.parse(raw))).optional(),
  BRIDGE_FIELD_MAP: json<FieldMapOverride>('BRIDGE_FIELD_MAP', parseFieldMapOverride).optional(),
  BRIDGE_WEBHOOK_URL: z.url().optional(),
  BRIDGE_WEBHOOK_SETUP: bool.default(true),
  BRIDGE_WEBHOOK_MAX_AGE_MS: int(1_000, 3_600_000).default(300_000),
  CRM_DEVELOPER_API_KEY: z.string().min(1).default('dev-crm-developer-key'),
  CRM_APP_ID: int(1, Number.MAX_SAFE_INTEGER).default(1),
} as const

export const bridgeConfigSchema = z.object(bridgeConfigShape)
export type BridgeConfig = z.infer<typeof bridgeConfigSchema> & {
  readonly BRIDGE_DEFAULT_BOOK: string
  readonly CRM_BASE_URL?: string | undefined
  readonly CRM_TOKEN: string
  readonly CRM_WEBHOOK_SECRET: string
}
