// The webhooks v3 API (/webhooks/v3/{appId}/settings and /subscriptions) as the SDK's
// `webhooks.settingsApi` and `webhooks.subscriptionsApi` call it.
import { Hono } from 'hono'
import { z } from 'zod'
import { EmulatorError } from '../errors'
import { WEBHOOK_EVENT_TYPES, type WebhookRegistry } from '../webhooks/webhook-registry'
import { batchResponse } from './batch-response'
import type { EmulatorEnv } from './hono-env'
import { readJson } from './json-body'

const settingsInput = z.object({
  targetUrl: z.url({ protocol: /^https?$/ }),
  throttling: z.object({ maxConcurrentRequests: z.number().int().min(1).max(100), period: z.string().optional() }).default({ maxConcurrentRequests: 10 }),
})
const subscriptionInput = z.object({
  eventType: z.enum(WEBHOOK_EVENT_TYPES),
  propertyName: z.string().min(1).optional(),
  active: z.boolean().default(false),
})
const patchInput = z.object({ active: z.boolean() })
const batchPatchInput = z.object({ inputs: z.array(z.object({ id: z.number().int(), active: z.boolean() })).max(100) })

export function webhooksRoutes(registry: WebhookRegistry, appId: number, clock: () => number): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()
  app.use('/webhooks/v3/:appId/*', async (c, next) => {
    if (c.req.param('appId') !== String(appId)) throw new EmulatorError('not-found', `App ${c.req.param('appId')} not found`)
    await next()
  })

  app.get('/webhooks/v3/:appId/settings', (c) => {
    const settings = registry.settings
    if (!settings) throw new EmulatorError('not-found', 'No webhook settings for this app')
    return c.json(settings)
  })
  app.put('/webhooks/v3/:appId/settings', async (c) => {
    const body = await readJson(c, settingsInput)
    return c.json(registry.setSettings(body.targetUrl, body.throttling.maxConcurrentRequests))
  })
  app.delete('/webhooks/v3/:appId/settings', (c) => {
    registry.clearSettings()
    return c.body(null, 204)
  })

  app.get('/webhooks/v3/:appId/subscriptions', (c) => c.json({ results: registry.list() }))
  app.post('/webhooks/v3/:appId/subscriptions', async (c) => {
    const body = await readJson(c, subscriptionInput)
    return c.json(registry.create(body.eventType, body.propertyName, body.active), 201)
  })
  app.post('/webhooks/v3/:appId/subscriptions/batch/update', async (c) => {
    const startedAt = new Date(clock()).toISOString()
    const { inputs } = await readJson(c, batchPatchInput)
    const results = inputs.map((i) => registry.setActive(String(i.id), i.active))
    return c.json(batchResponse(startedAt, new Date(clock()).toISOString(), results))
  })
  app.get('/webhooks/v3/:appId/subscriptions/:id', (c) => c.json(registry.get(c.req.param('id'))))
  app.patch('/webhooks/v3/:appId/subscriptions/:id', async (c) => {
    const body = await readJson(c, patchInput)
    return c.json(registry.setActive(c.req.param('id'), body.active))
  })
  app.delete('/webhooks/v3/:appId/subscriptions/:id', (c) => {
    registry.remove(c.req.param('id'))
    return c.body(null, 204)
  })
  return app
}
