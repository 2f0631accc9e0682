// Points the CRM app's webhooks at the bridge and subscribes to the events it needs (creation,
// deletion, and a property change per mapped property), through the SDK's webhooks API with the
// developer API key. Optional: with the real HubSpot this is often configured in the app settings.
import { Client } from '@hubspot/api-client'
import type { FieldMap } from './field-map'
import { BRIDGE_KINDS, BOOK_ID_PROPERTY } from './field-map'

export interface WebhookSetupOptions {
  readonly basePath?: string
  readonly developerApiKey: string
  readonly appId: number
  readonly targetUrl: string
  readonly map: FieldMap
  readonly maxConcurrentRequests?: number
}

const SINGULAR = { company: 'company', contact: 'contact', deal: 'deal' } as const

/** A few tries with backoff: set-up runs once at start, when the CRM may be throwing 429s or 5xx. */
async function retrying<T>(fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn()
    } catch (error) {
      const status = (error as { code?: number }).code ?? 0
      const transient = status === 0 || status === 429 || status >= 500
      if (!transient || i >= attempts) throw error
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(5_000, 100 * 2 ** i)))
    }
  }
}

export async function configureWebhooks(o: WebhookSetupOptions): Promise<{ created: number }> {
  const client = new Client({ developerApiKey: o.developerApiKey, ...(o.basePath ? { basePath: o.basePath } : {}) })
  await retrying(() => client.webhooks.settingsApi.configure(o.appId, {
    targetUrl: o.targetUrl,
    throttling: { maxConcurrentRequests: o.maxConcurrentRequests ?? 10, period: 'SECONDLY' as never },
  } as never))
  const existing = await retrying(() => client.webhooks.subscriptionsApi.getAll(o.appId))
  const have = new Set(existing.results.map((s) => `${s.eventType}:${s.propertyName ?? ''}`))
  const wanted: Array<{ eventType: string; propertyName?: string }> = []
  for (const kind of BRIDGE_KINDS) {
    const singular = SINGULAR[kind]
    wanted.push({ eventType: `${singular}.creation` }, { eventType: `${singular}.deletion` })
    const props = new Set(o.map[kind].filter((m) => m.direction !== 'toCrm').map((m) => m.property))
    if (kind === 'company') props.add(BOOK_ID_PROPERTY)
    for (const propertyName of props) wanted.push({ eventType: `${singular}.propertyChange`, propertyName })
  }
  let created = 0
  for (const w of wanted) {
    if (have.has(`${w.eventType}:${w.propertyName ?? ''}`)) continue
    try {
      await retrying(() => client.webhooks.subscriptionsApi.create(o.appId, { ...w, active: true } as never))
      created++
    } catch (error) {
      // 409: made by an attempt whose answer was lost.
      if ((error as { code?: number }).code !== 409) throw error
    }
  }
  return { created }
}
