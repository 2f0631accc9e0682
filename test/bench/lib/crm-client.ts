// The bench's side of the CRM in the bridge scenario: the office's bulk writes through the
// emulator's HubSpot v3 batch API (plain fetch, so the load generator stays light), reads to
// check what the bridge wrote, and the signed webhook the CRM sends after an office edit.
import { createHmac, randomUUID } from 'node:crypto'
import { makeDemoCustomers } from '@crm-sync/model'
import type { CrmEmulatorProcess } from './crm-emulator-process'

const BATCH = 100 // HubSpot's batch limit

export type Properties = Record<string, string>

const call = async <T>(emu: CrmEmulatorProcess, method: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${emu.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`)
  return (res.status === 204 ? undefined : await res.json()) as T
}

/** Runs `work` over `count` batches, `concurrency` at a time. */
const inBatches = async (count: number, concurrency: number, work: (batch: number) => Promise<void>): Promise<void> => {
  let next = 0
  const worker = async () => {
    for (let b = next++; b < count; b = next++) await work(b)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}

/** Demo companies as the office would enter them in the CRM (unique names, to match batch answers). */
export const officeCompanies = (n: number, seed: number): Properties[] =>
  makeDemoCustomers(n, { seed }).map((c, i) => {
    const p: Properties = {
      name: `${c.name} #${seed}-${i}`,
      lifecyclestage: c.status === 'customer' ? 'customer' : c.status === 'prospect' ? 'opportunity' : 'lead',
    }
    const put = (k: string, v: string | undefined) => v && (p[k] = v)
    put('crdt_email', c.email)
    put('phone', c.phone)
    put('website', c.website)
    put('industry', c.industry)
    put('address', c.address?.street)
    put('city', c.address?.city)
    put('state', c.address?.region)
    put('zip', c.address?.postalCode)
    put('country', c.address?.country)
    put('crdt_tags', c.tags?.join(';'))
    put('description', c.notes)
    return p
  })

/** Creates companies through batch/create; returns their CRM ids in input order. */
export const createCompanies = async (emu: CrmEmulatorProcess, inputs: readonly Properties[], concurrency = 4): Promise<string[]> => {
  const ids: string[] = new Array(inputs.length)
  await inBatches(Math.ceil(inputs.length / BATCH), concurrency, async (b) => {
    const part = inputs.slice(b * BATCH, (b + 1) * BATCH)
    const res = await call<{ results: Array<{ id: string; properties: Properties }> }>(emu, 'POST', '/crm/v3/objects/companies/batch/create', {
      inputs: part.map((properties) => ({ properties })),
    })
    // Batch answers are not guaranteed to keep input order (HubSpot's are not): match by name.
    const byName = new Map(res.results.map((r) => [r.properties['name'], r.id]))
    part.forEach((p, i) => (ids[b * BATCH + i] = byName.get(p['name'])!))
  })
  return ids
}

/** Updates companies by CRM id through batch/update. */
export const updateCompanies = async (emu: CrmEmulatorProcess, inputs: ReadonlyArray<{ id: string; properties: Properties }>, concurrency = 4): Promise<void> => {
  await inBatches(Math.ceil(inputs.length / BATCH), concurrency, async (b) => {
    await call(emu, 'POST', '/crm/v3/objects/companies/batch/update', { inputs: inputs.slice(b * BATCH, (b + 1) * BATCH) })
  })
}

/** Reads companies by CRM id through batch/read. */
export const readCompanies = async (emu: CrmEmulatorProcess, ids: readonly string[], properties: readonly string[]): Promise<Map<string, Properties>> => {
  const out = new Map<string, Properties>()
  await inBatches(Math.ceil(ids.length / BATCH), 4, async (b) => {
    const res = await call<{ results: Array<{ id: string; properties: Properties }> }>(emu, 'POST', '/crm/v3/objects/companies/batch/read', {
      inputs: ids.slice(b * BATCH, (b + 1) * BATCH).map((id) => ({ id })),
      properties,
      propertiesWithHistory: [],
    })
    for (const r of res.results) out.set(r.id, r.properties)
  })
  return out
}

/** Waits until the emulator has delivered every queued webhook (to the bridge). */
export const waitWebhooksDelivered = async (emu: CrmEmulatorProcess, timeoutMs = 120_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const s = await call<{ queued: number; inFlight: number }>(emu, 'GET', '/__emulator/webhooks')
    if (s.queued === 0 && s.inFlight === 0) return
    if (Date.now() > deadline) throw new Error(`emulator webhooks still queued: ${JSON.stringify(s)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Sends the bridge what the CRM sends after an office edit: one signed (v3) webhook event with
 * changeSource CRM_UI, which makes the bridge start an incremental pull.
 */
export const sendOfficeEditWebhook = async (serverUrl: string, secret: string, objectId: string): Promise<void> => {
  const url = `${serverUrl}/api/crm/webhooks`
  const timestamp = String(Date.now())
  const body = JSON.stringify([{
    eventId: Number.parseInt(randomUUID().slice(0, 8), 16), subscriptionType: 'company.propertyChange', objectId: Number(objectId),
    occurredAt: Date.now(), changeSource: 'CRM_UI', propertyName: 'city', portalId: 62515, appId: 1, attemptNumber: 0,
  }])
  const signature = createHmac('sha256', secret).update(`POST${url}${body}${timestamp}`, 'utf8').digest('base64')
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
    body,
  })
  if (res.status !== 204) throw new Error(`webhook → ${res.status} ${await res.text()}`)
}
