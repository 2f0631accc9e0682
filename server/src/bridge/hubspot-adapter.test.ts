// The HubSpot adapter (official SDK) against the CRM emulator: the shared CrmAdapter contract,
// then what is HubSpot-specific: 429 windows honoured, 5xx retried, dropped answers survived.
import { describe, expect, it } from 'vitest'
import { createCrmEmulator } from '@crm-sync/crm-emulator'
import { isBridgeError } from './bridge-error'
import { runCrmAdapterContract } from './crm-adapter.contract'
import { createHubSpotAdapter } from './hubspot-adapter'

const RELAXED = { maxPerWindow: 100_000, searchMaxPerWindow: 100_000 }

async function startPair(emulatorOptions: Parameters<typeof createCrmEmulator>[0] = {}, adapterLimits = {}) {
  const emulator = createCrmEmulator({ rateLimits: RELAXED, ...emulatorOptions })
  const { url } = await emulator.start(0, '127.0.0.1')
  const adapter = createHubSpotAdapter({
    accessToken: emulator.token,
    basePath: url,
    limits: { windowMs: 1000, maxPerWindow: 10_000, searchMaxPerWindow: 10_000, maxConcurrent: 8, ...adapterLimits },
    retry: { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 10, timeoutMs: 5_000 },
  })
  return {
    emulator,
    adapter,
    async dispose() {
      adapter.stop()
      await emulator.stop()
    },
  }
}

runCrmAdapterContract('hubspot (emulator)', () => startPair())

describe('HubSpot adapter under faults', () => {
  it('waits out 429 windows and retries 5xx and dropped answers without duplicating', async () => {
    const pair = await startPair({ faults: { rate429: 0.3, rate500: 0.1, dropResponseRate: 0.2, seed: 7 } })
    try {
      const { adapter, emulator } = pair
      await adapter.ensureProperties('companies', [{ name: 'crdt_record_id', label: 'id', type: 'string', unique: true }])
      for (let b = 0; b < 5; b++) {
        await adapter.upsertBatch('companies', 'crdt_record_id',
          Array.from({ length: 20 }, (_, i) => ({ key: `f-${b}-${i}`, properties: { name: `F ${b} ${i}` } })))
      }
      emulator.faults.set({})
      expect(emulator.store.list('companies')).toHaveLength(100)
    } finally {
      await pair.dispose()
    }
  })

  it('a 429 pauses every caller for the window', async () => {
    const pair = await startPair({ rateLimits: { windowMs: 300, maxPerWindow: 3, searchMaxPerWindow: 100_000 } }, { maxPerWindow: 10_000 })
    try {
      const started = Date.now()
      await Promise.all(Array.from({ length: 8 }, () => pair.adapter.listPage('companies', { limit: 1, properties: ['name'] })))
      // 8 requests at 3 per 300 ms need at least two full windows.
      expect(Date.now() - started).toBeGreaterThanOrEqual(550)
    } finally {
      await pair.dispose()
    }
  })

  it('a wrong token is unauthorized, not retried', async () => {
    const pair = await startPair()
    try {
      const bad = createHubSpotAdapter({ accessToken: 'wrong', basePath: pair.emulator.url! })
      const error = await bad.listPage('companies', { limit: 1, properties: [] }).catch((e: unknown) => e)
      expect(isBridgeError(error, 'unauthorized')).toBe(true)
      bad.stop()
    } finally {
      await pair.dispose()
    }
  })
})
