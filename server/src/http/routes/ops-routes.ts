// Health and Prometheus metrics for operators and load balancers.
import { Hono } from 'hono'
import { HEALTH_CHECK_DEADLINE_MS, type HealthCheck } from '../../health-check'
import type { Metrics } from '../../metrics'

export interface OpsRoutesOptions {
  readonly metrics: Metrics
  readonly checks: readonly HealthCheck[]
  readonly checkDeadlineMs?: number
}

const withinDeadline = async (h: HealthCheck, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  try {
    await Promise.race([h.check(), late])
  } finally {
    clearTimeout(timer)
  }
}

export const opsRoutes = ({ metrics, checks, checkDeadlineMs = HEALTH_CHECK_DEADLINE_MS }: OpsRoutesOptions) =>
  new Hono()
    .get('/health', async (c) => {
      const results = await Promise.all(
        checks.map(async (h) => {
          try {
            await withinDeadline(h, checkDeadlineMs)
            return [h.name, { ok: true }] as const
          } catch (e) {
            return [h.name, { ok: false, error: e instanceof Error ? e.message : String(e) }] as const
          }
        }),
      )
      const ok = results.every(([, r]) => r.ok)
      return c.json({ ok, checks: Object.fromEntries(results) }, ok ? 200 : 503)
    })
    .get('/metrics', async (c) => {
      c.header('content-type', metrics.registry.contentType)
      return c.body(await metrics.registry.metrics())
    })
