// The emulator's configuration from environment variables, validated with zod in this one place
// and turned into the factory's options (the CLI and the server's composition root both use it).
import { z } from 'zod'
import { faultConfigSchema } from './faults/fault-config'
import type { CrmEmulatorOptions } from './crm-emulator'

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback)

const faultsJson = z
  .string()
  .trim()
  .transform((text, ctx) => {
    if (text === '') return {}
    try {
      return JSON.parse(text) as unknown
    } catch {
      ctx.addIssue({ code: 'custom', message: 'CRM_EMULATOR_FAULTS must be JSON, e.g. {"rate500":0.1}' })
      return z.NEVER
    }
  })
  .pipe(faultConfigSchema)

export const envSchema = z.object({
  CRM_EMULATOR_PORT: int(8790).pipe(z.number().max(65_535)),
  CRM_EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  CRM_TOKEN: z.string().min(1).default('dev-crm-token'),
  CRM_EMULATOR_DEVELOPER_API_KEY: z.string().min(1).default('dev-crm-developer-key'),
  CRM_WEBHOOK_SECRET: z.string().min(1).default('dev-crm-webhook-secret'),
  CRM_EMULATOR_APP_ID: int(1, 1),
  CRM_EMULATOR_PORTAL_ID: int(62515, 1),
  CRM_EMULATOR_DB: z.string().trim().transform((s) => (s === '' ? undefined : s)).optional(),
  CRM_EMULATOR_SEED_COMPANIES: int(0),
  CRM_EMULATOR_SEED: z.coerce.number().int().optional(),
  CRM_EMULATOR_RATE_WINDOW_MS: int(10_000, 1),
  CRM_EMULATOR_RATE_MAX: int(100, 1),
  CRM_EMULATOR_SEARCH_RATE_MAX: int(5, 1),
  CRM_EMULATOR_RATE_DAILY: int(250_000, 1),
  CRM_EMULATOR_MAX_BODY_BYTES: int(3_000_000, 1024),
  CRM_EMULATOR_FAULTS: z.string().default('').pipe(faultsJson),
  CRM_EMULATOR_WEBHOOK_URL: z.string().trim().transform((s) => (s === '' ? undefined : s)).pipe(z.url().optional()).optional(),
  CRM_EMULATOR_WEBHOOK_RETRY_BASE_MS: int(1_000, 1),
  CRM_EMULATOR_WEBHOOK_MAX_ATTEMPTS: int(10, 1),
})

export type EmulatorEnvVars = z.output<typeof envSchema>

export interface EmulatorConfig {
  port: number
  host: string
  options: CrmEmulatorOptions
}

export class ConfigError extends Error {
  readonly code = 'invalid-config' as const
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ConfigError'
  }
}

/** Reads and validates the environment; throws a ConfigError naming every bad variable. */
export function configFromEnv(env: Record<string, string | undefined> = process.env): EmulatorConfig {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid crm-emulator configuration:\n  ${lines.join('\n  ')}`, { cause: parsed.error })
  }
  const e = parsed.data
  return {
    port: e.CRM_EMULATOR_PORT,
    host: e.CRM_EMULATOR_HOST,
    options: {
      token: e.CRM_TOKEN,
      developerApiKey: e.CRM_EMULATOR_DEVELOPER_API_KEY,
      webhookSecret: e.CRM_WEBHOOK_SECRET,
      appId: e.CRM_EMULATOR_APP_ID,
      portalId: e.CRM_EMULATOR_PORTAL_ID,
      ...(e.CRM_EMULATOR_DB ? { dbFile: e.CRM_EMULATOR_DB } : {}),
      ...(e.CRM_EMULATOR_SEED_COMPANIES > 0
        ? { seed: { companies: e.CRM_EMULATOR_SEED_COMPANIES, ...(e.CRM_EMULATOR_SEED !== undefined ? { seed: e.CRM_EMULATOR_SEED } : {}) } }
        : {}),
      rateLimits: {
        windowMs: e.CRM_EMULATOR_RATE_WINDOW_MS,
        maxPerWindow: e.CRM_EMULATOR_RATE_MAX,
        searchMaxPerWindow: e.CRM_EMULATOR_SEARCH_RATE_MAX,
        daily: e.CRM_EMULATOR_RATE_DAILY,
      },
      maxBodyBytes: e.CRM_EMULATOR_MAX_BODY_BYTES,
      faults: e.CRM_EMULATOR_FAULTS,
      webhooks: {
        ...(e.CRM_EMULATOR_WEBHOOK_URL ? { targetUrl: e.CRM_EMULATOR_WEBHOOK_URL } : {}),
        retryBaseMs: e.CRM_EMULATOR_WEBHOOK_RETRY_BASE_MS,
        maxAttempts: e.CRM_EMULATOR_WEBHOOK_MAX_ATTEMPTS,
      },
    },
  }
}
