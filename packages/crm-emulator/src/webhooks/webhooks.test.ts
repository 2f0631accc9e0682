// Webhooks end to end: the SDK configures settings and subscriptions; deliveries arrive in
// batches, signed (checked here by an independent implementation of HubSpot's v3 algorithm),
// retried on failure, and the webhook faults drop, duplicate and reorder them.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { Client } from '@hubspot/api-client'
import { startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'
import { startWebhookReceiver, type Delivery, type WebhookReceiver } from '../testing/webhook-receiver'
import type { CrmEmulatorOptions } from '../crm-emulator'

const SECRET = 'test-client-secret'
let t: EmulatorFixture | undefined
let receiver: WebhookReceiver | undefined
afterEach(async () => {
  await t?.stop()
  await receiver?.close()
})

/** HubSpot's documented v3 check, written from the documentation: reject stale, HMAC-SHA256, base64, constant-time compare. */
function verifyV3(d: Delivery, secret: string): boolean {
  const signature = String(d.headers['x-hubspot-signature-v3'] ?? '')
  const timestamp = String(d.headers['x-hubspot-request-timestamp'] ?? '')
  if (Math.abs(Date.now() - Number(timestamp)) > 5 * 60_000) return false
  const expected = createHmac('sha256', secret).update(d.method + d.uri + d.rawBody + timestamp).digest()
  const given = Buffer.from(signature, 'base64')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

async function setup(options: CrmEmulatorOptions = {}, propertyNames: string[] = ['name']) {
  receiver = await startWebhookReceiver()
  t = await startEmulator({
    webhookSecret: SECRET,
    appId: 4242,
    developerApiKey: 'dev-key',
    webhooks: { flushIntervalMs: 10, retryBaseMs: 20, ...options.webhooks },
    ...options,
  })
  const dev = new Client({ developerApiKey: 'dev-key', basePath: t.url })
  await dev.webhooks.settingsApi.configure(4242, { targetUrl: receiver.url, throttling: { maxConcurrentRequests: 5 } })
  for (const eventType of ['company.creation', 'company.deletion'] as const) await dev.webhooks.subscriptionsApi.create(4242, { eventType: eventType as never, active: true })
  for (const propertyName of propertyNames) await dev.webhooks.subscriptionsApi.create(4242, { eventType: 'company.propertyChange' as never, propertyName, active: true })
  return dev
}

describe('webhooks', () => {
  it('manages settings and subscriptions through the SDK webhooks API', async () => {
    const dev = await setup()
    const settings = await dev.webhooks.settingsApi.getAll(4242)
    expect(settings.targetUrl).toBe(receiver?.url)
    const subs = await dev.webhooks.subscriptionsApi.getAll(4242)
    expect(subs.results.map((s) => s.eventType).sort()).toEqual(['company.creation', 'company.deletion', 'company.propertyChange'])
    const one = subs.results[0]!
    expect((await dev.webhooks.subscriptionsApi.getById(Number(one.id), 4242)).id).toBe(one.id)
    expect((await dev.webhooks.subscriptionsApi.update(Number(one.id), 4242, { active: false })).active).toBe(false)
    const batch = await dev.webhooks.subscriptionsApi.updateBatch(4242, { inputs: [{ id: Number(one.id), active: true }] })
    expect(batch.results[0]?.active).toBe(true)
    await dev.webhooks.subscriptionsApi.archive(Number(one.id), 4242)
    expect((await dev.webhooks.subscriptionsApi.getAll(4242)).results).toHaveLength(2)
    await dev.webhooks.settingsApi.clear(4242)
    await expect(dev.webhooks.settingsApi.getAll(4242)).rejects.toMatchObject({ code: 404 })
    await expect(new Client({ developerApiKey: 'wrong', basePath: t!.url }).webhooks.subscriptionsApi.getAll(4242)).rejects.toMatchObject({ code: 401 })
  })

  it('delivers creation, subscribed property changes and deletion, signed v3 (and v1)', async () => {
    await setup()
    const company = await t!.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] })
    await t!.client.crm.companies.basicApi.update(company.id, { properties: { name: 'Acme SA', city: 'Lyon' } })
    await t!.client.crm.companies.basicApi.archive(company.id)
    await receiver!.waitFor(() => receiver!.events().length >= 3)
    const events = receiver!.events()
    expect(events.map((e) => e.subscriptionType)).toEqual(['company.creation', 'company.propertyChange', 'company.deletion'])
    expect(events[0]).toMatchObject({ objectId: Number(company.id), appId: 4242, portalId: 62515, attemptNumber: 0, changeSource: 'INTEGRATION', changeFlag: 'NEW' })
    expect(events[1]).toMatchObject({ propertyName: 'name', propertyValue: 'Acme SA' })
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3)
    for (const d of receiver!.deliveries) {
      expect(d.method).toBe('POST')
      expect(verifyV3(d, SECRET)).toBe(true)
      expect(verifyV3(d, 'another-secret')).toBe(false)
      expect(d.headers['x-hubspot-signature']).toBe(createHash('sha256').update(SECRET + d.rawBody).digest('hex'))
    }
  })

  it('batches at most 100 events per request', async () => {
    await setup({ webhooks: { flushIntervalMs: 200 } })
    const inputs = Array.from({ length: 100 }, (_, i) => ({ properties: { name: `C${i}` }, associations: [] }))
    await t!.client.crm.companies.batchApi.create({ inputs })
    await t!.client.crm.companies.batchApi.create({ inputs: inputs.slice(0, 50) })
    await receiver!.waitFor(() => receiver!.events().length >= 150)
    expect(receiver!.deliveries.length).toBeGreaterThanOrEqual(2)
    expect(Math.max(...receiver!.deliveries.map((d) => d.events.length))).toBeLessThanOrEqual(100)
  })

  it('retries failed deliveries with a growing attemptNumber, and not after a 4xx', async () => {
    await setup()
    receiver!.respondWith([500, 503])
    await t!.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] })
    await receiver!.waitFor(() => receiver!.deliveries.length >= 3)
    expect(receiver!.deliveries.map((d) => d.events[0]?.attemptNumber)).toEqual([0, 1, 2])
    expect(receiver!.deliveries.every((d) => verifyV3(d, SECRET))).toBe(true)
    // The receiver sees a delivery before the dispatcher has read its answer.
    await receiver!.waitFor(() => t!.emulator.webhooks.stats().delivered === 1)
    expect(t!.emulator.webhooks.stats()).toMatchObject({ delivered: 1, retried: 2 })

    receiver!.respondWith([400])
    await t!.client.crm.companies.basicApi.create({ properties: { name: 'Beta' }, associations: [] })
    await receiver!.waitFor(() => receiver!.deliveries.length >= 4 && t!.emulator.webhooks.stats().failed === 1)
    await new Promise((r) => setTimeout(r, 150))
    expect(receiver!.deliveries).toHaveLength(4)
    expect(t!.emulator.webhooks.stats().failed).toBe(1)
  })

  it('drops webhook batches when told to', async () => {
    await setup({ faults: { webhookDropRate: 1 } })
    await t!.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] })
    await new Promise((r) => setTimeout(r, 150))
    expect(receiver!.deliveries).toHaveLength(0)
    expect(t!.emulator.webhooks.stats().dropped).toBe(1)
  })

  it('duplicates webhook batches when told to', async () => {
    await setup({ faults: { webhookDuplicateRate: 1 } })
    await t!.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] })
    await receiver!.waitFor(() => receiver!.deliveries.length >= 2)
    const [a, b] = receiver!.deliveries
    expect(a?.events[0]?.eventId).toBe(b?.events[0]?.eventId)
  })

  it('reorders webhook events when told to', async () => {
    await setup({ faults: { webhookReorder: true, seed: 3 }, webhooks: { flushIntervalMs: 200 } })
    const inputs = Array.from({ length: 30 }, (_, i) => ({ properties: { name: `C${i}` }, associations: [] }))
    await t!.client.crm.companies.batchApi.create({ inputs })
    await receiver!.waitFor(() => receiver!.events().length >= 30)
    const ids = receiver!.events().map((e) => e.eventId)
    expect(ids).not.toEqual([...ids].sort((x, y) => x - y))
    expect(new Set(ids).size).toBe(30)
  })

  it('marks office edits with changeSource CRM_UI', async () => {
    await setup({}, ['phone', 'industry', 'lifecyclestage', 'city', 'numberofemployees'])
    t!.emulator.seed(3, 1)
    await t!.api('/__emulator/simulate', { method: 'POST', body: JSON.stringify({ count: 20, seed: 5 }) })
    await receiver!.waitFor(() => receiver!.events().some((e) => e.changeSource === 'CRM_UI'))
  })
})
