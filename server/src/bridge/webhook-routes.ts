// POST /api/crm/webhooks: HubSpot's signed deliveries. Signature v3 is checked with a
// constant-time comparison over method + URL + body + timestamp; requests older than five minutes
// and replays (a signature already seen) are refused. Accepted events only trigger work (a pull,
// a deletion check): the bridge never trusts a webhook's values, it reads the CRM.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { HttpError } from '../http/http-error'
import type { BridgeStateStore } from './bridge-state-store'
import type { BridgeMetrics } from './bridge-metrics'

export const webhookEventSchema = z.object({
  eventId: z.number().int().nonnegative(),
  subscriptionType: z.string().max(100),
  objectId: z.number().int().nonnegative(),
  occurredAt: z.number().int().nonnegative(),
  changeSource: z.string().max(100).optional(),
  changeFlag: z.string().max(50).optional(),
  propertyName: z.string().max(200).optional(),
  portalId: z.number().int().optional(),
  appId: z.number().int().optional(),
  attemptNumber: z.number().int().optional(),
})
export type CrmWebhookEvent = z.infer<typeof webhookEventSchema>

const eventsSchema = z.array(webhookEventSchema).min(1).max(1000)

export interface WebhookRouteOptions {
  readonly secret: string
  readonly state: BridgeStateStore
  readonly onEvents: (events: CrmWebhookEvent[]) => void
  readonly metrics: BridgeMetrics
  /** Requests older (or further in the future) than this are refused. HubSpot: 5 minutes. */
  readonly maxAgeMs?: number
  readonly maxBodyBytes?: number
  /** The URL the CRM signs; the request's own URL when absent (no proxy in between). */
  readonly publicUrl?: string
  readonly now?: () => number
}

export function v3Signature(secret: string, method: string, uri: string, body: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64')
}

export function webhookRoutes(o: WebhookRouteOptions): Hono {
  const maxAgeMs = o.maxAgeMs ?? 300_000
  const now = o.now ?? Date.now
  const refuse = (outcome: string, status: 400 | 401 | 409, code: string, message: string): never => {
    o.metrics.webhooks.inc({ outcome })
    throw new HttpError(status, code, message)
  }
  return new Hono().post(
    '/webhooks',
    bodyLimit({
      maxSize: o.maxBodyBytes ?? 1_000_000,
      onError: () => {
        o.metrics.webhooks.inc({ outcome: 'too-large' })
        throw new HttpError(413, 'body-too-large', 'webhook body too large')
      },
    }),
    async (c) => {
      const signature = c.req.header('x-hubspot-signature-v3')
      const timestamp = c.req.header('x-hubspot-request-timestamp')
      if (!signature || !timestamp) return refuse('unsigned', 401, 'missing-signature', 'X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp are required')
      const at = Number(timestamp)
      if (!/^\d{1,15}$/.test(timestamp) || Math.abs(now() - at) > maxAgeMs) {
        return refuse('stale', 401, 'stale-request', 'the request timestamp is missing, malformed or more than five minutes off')
      }
      const body = await c.req.text()
      const expected = Buffer.from(v3Signature(o.secret, 'POST', o.publicUrl ?? c.req.url, body, timestamp), 'utf8')
      const given = Buffer.from(signature, 'utf8')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return refuse('bad-signature', 401, 'bad-signature', 'the webhook signature does not match')
      }
      let raw: unknown
      try {
        raw = JSON.parse(body)
      } catch {
        return refuse('malformed', 400, 'invalid-json', 'body is not valid JSON')
      }
      const parsed = eventsSchema.safeParse(raw)
      if (!parsed.success) return refuse('malformed', 400, 'invalid-body', 'body is not a list of webhook events')
      // Remembered only once it is known to be a delivery: a refused request writes nothing.
      if (!(await o.state.rememberDelivery(signature, now(), maxAgeMs * 2))) {
        return refuse('replay', 409, 'replayed', 'this delivery was already received')
      }
      o.metrics.webhooks.inc({ outcome: 'accepted' })
      o.onEvents(parsed.data)
      return c.body(null, 204)
    },
  )
}
