// /health answers within its deadline whatever a check does: one that never answers (a stopped
// database) is reported as failing, by name, with 503, and the others still as they are.
import { describe, expect, it } from 'vitest'
import { createMetrics } from '../../metrics'
import type { HealthCheck } from '../../health-check'
import { opsRoutes } from './ops-routes'

const check = (name: string, run: () => Promise<void>): HealthCheck => ({ name, check: run })
const health = (checks: HealthCheck[], checkDeadlineMs?: number) =>
  opsRoutes({ metrics: createMetrics(), checks, ...(checkDeadlineMs === undefined ? {} : { checkDeadlineMs }) }).request('/health')

describe('GET /health', () => {
  it('answers 200 when every check passes', async () => {
    const res = await health([check('store', async () => {}), check('fan-out', async () => {})])
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, checks: { store: { ok: true }, 'fan-out': { ok: true } } })
  })

  it('answers 503 naming a check that fails, with its message', async () => {
    const res = await health([check('store', async () => {}), check('fan-out', () => Promise.reject(new Error('redis is down')))])
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ ok: false, checks: { store: { ok: true }, 'fan-out': { ok: false, error: 'redis is down' } } })
  })

  it('answers 503 within its deadline when a check never answers', async () => {
    const started = Date.now()
    const res = await health([check('store', () => new Promise<void>(() => {})), check('fan-out', async () => {})], 150)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ ok: false, checks: { store: { ok: false, error: 'no answer within 150 ms' }, 'fan-out': { ok: true } } })
  })
})
