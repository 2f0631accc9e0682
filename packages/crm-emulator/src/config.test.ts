// Configuration from the environment: defaults of the fixed interface, validation errors that
// name the variable, and fault settings as JSON.
import { describe, expect, it } from 'vitest'
import { ConfigError, configFromEnv } from './config'

describe('configFromEnv', () => {
  it('defaults to 127.0.0.1:8790, token dev-crm-token, in memory, HubSpot limits', () => {
    const config = configFromEnv({})
    expect(config.port).toBe(8790)
    expect(config.host).toBe('127.0.0.1')
    expect(config.options.token).toBe('dev-crm-token')
    expect(config.options.dbFile).toBeUndefined()
    expect(config.options.rateLimits).toMatchObject({ windowMs: 10_000, maxPerWindow: 100, searchMaxPerWindow: 5 })
    expect(config.options.faults).toMatchObject({ rate500: 0 })
  })

  it('reads every variable', () => {
    const config = configFromEnv({
      CRM_EMULATOR_PORT: '9000', CRM_TOKEN: 't', CRM_EMULATOR_DB: '/tmp/x.sqlite', CRM_EMULATOR_SEED_COMPANIES: '50',
      CRM_EMULATOR_SEED: '3', CRM_EMULATOR_FAULTS: '{"rate503":0.2,"latencyMs":10}', CRM_EMULATOR_WEBHOOK_URL: 'http://localhost:8787/hooks',
      CRM_EMULATOR_RATE_WINDOW_MS: '1000',
    })
    expect(config.port).toBe(9000)
    expect(config.options).toMatchObject({
      token: 't', dbFile: '/tmp/x.sqlite', seed: { companies: 50, seed: 3 },
      faults: { rate503: 0.2, latencyMs: 10 }, webhooks: { targetUrl: 'http://localhost:8787/hooks' }, rateLimits: { windowMs: 1000 },
    })
  })

  it('throws a ConfigError naming each bad variable', () => {
    const attempt = () => configFromEnv({ CRM_EMULATOR_PORT: 'eighty', CRM_EMULATOR_FAULTS: '{"rate500":3}' })
    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow(/CRM_EMULATOR_PORT/)
    expect(attempt).toThrow(/CRM_EMULATOR_FAULTS/)
    expect(() => configFromEnv({ CRM_EMULATOR_FAULTS: 'not json' })).toThrow(/must be JSON/)
  })
})
