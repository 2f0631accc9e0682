// Health and Prometheus metrics for operators and load balancers.
import { Hono } from 'hono'
import type { Metrics } from '../../metrics'

export interface HealthCheck {
  readonly name: string
  check(): Promise<void>
}

export const opsRoutes = ({ metrics, checks }: { metrics: Metrics; checks: readonly HealthCheck[] }) =>
  new Hono()
    .get('/health', async (c) => {
      const results = await Promise.all(
        checks.map(async (h) => {
          try {
            await h.check()
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
