// The CrmAdapter for HubSpot through the official @hubspot/api-client. basePath points it at the
// embedded emulator or the real api.hubapi.com; every call goes through the CrmCaller (rate gate,
// retries), and SDK errors become BridgeErrors with the wait a 429 asks for. The calls that carry
// records (list, search, batch read, update, upsert) go through hubspot-json.ts as plain JSON.
import { Client } from '@hubspot/api-client'
import { BridgeError } from './bridge-error'
import { hubSpotJson } from './hubspot-json'
import type {
  CrmAdapter, CrmObject, CrmObjectType, CrmPropertyInput, CrmPropertySpec, CrmUpdateInput, CrmUpsertInput, CrmUpsertResult,
  ModifiedWindow,
} from './crm-adapter'
import { createCrmCaller, type CrmCallEvents, type CrmCaller, type RetryOptions } from './crm-caller'
import { RateGate, type RateGateOptions } from './rate-gate'

export interface HubSpotAdapterOptions {
  accessToken: string
  /** API base URL; HubSpot's own when absent. */
  basePath?: string
  /** Client-side limits; keep them under the portal's (HubSpot: 100 per 10 s, search 5/s). */
  limits?: Partial<RateGateOptions>
  retry?: Partial<RetryOptions>
  events?: CrmCallEvents
}

export const HUBSPOT_CLIENT_LIMITS: RateGateOptions = {
  windowMs: 10_000,
  maxPerWindow: 90,
  searchWindowMs: 1_000,
  searchMaxPerWindow: 4,
  maxConcurrent: 4,
}

const GROUP: Record<CrmObjectType, string> = { companies: 'companyinformation', contacts: 'contactinformation', deals: 'dealinformation' }
const FIELD_TYPE = { string: 'text', number: 'number', datetime: 'date' } as const

/** A record as the SDK's models decode it (dates as Date), or as plain JSON (dates as strings). */
type SdkObject = { id: string; properties: Record<string, string | null>; updatedAt?: Date | string; archived?: boolean }
type ListJson = { results: SdkObject[]; paging?: { next?: { after?: string } } }
type BatchJson = { results: SdkObject[] }
type UpsertJson = { results: Array<SdkObject & { new?: boolean }> }

export function toCrmObject(o: SdkObject): CrmObject {
  const properties: Record<string, string> = {}
  const given = o.properties ?? {}
  for (const k in given) {
    const v = given[k]
    if (v !== null && v !== undefined && v !== '') properties[k] = String(v)
  }
  const stamp = properties['hs_lastmodifieddate']
  const parsed = stamp === undefined ? NaN : /^\d+$/.test(stamp) ? Number(stamp) : Date.parse(stamp)
  return { id: String(o.id), properties, modifiedAt: Number.isFinite(parsed) ? parsed : updatedAtOf(o), archived: o.archived === true }
}

/** The record's updatedAt in ms (0 when absent): the fallback for a missing hs_lastmodifieddate. */
function updatedAtOf(o: SdkObject): number {
  const t = o.updatedAt instanceof Date ? o.updatedAt.getTime() : o.updatedAt ? Date.parse(o.updatedAt) : NaN
  return Number.isFinite(t) ? t : 0
}

/** HubSpot clears a property with an empty string. */
const sdkProperties = (input: CrmPropertyInput): Record<string, string> =>
  Object.fromEntries(Object.entries(input).map(([k, v]) => [k, v ?? '']))

/** Turns whatever the SDK (or the network) threw into a BridgeError. */
export function classifyHubSpotError(error: unknown, windows: { windowMs: number; searchWindowMs: number }): BridgeError {
  if (error instanceof BridgeError) return error
  const e = error as { code?: unknown; body?: unknown; headers?: Record<string, string>; message?: string }
  const status = typeof e.code === 'number' ? e.code : undefined
  if (status === undefined || status === 0) {
    return new BridgeError('transient', `CRM request failed: ${e.message ?? String(error)}`, { cause: error })
  }
  const body = (typeof e.body === 'string' ? safeJson(e.body) : e.body) as { message?: string; policyName?: string } | undefined
  const message = `CRM answered ${status}: ${body?.message ?? e.message ?? ''}`.trim()
  if (status === 429) {
    const policy = body?.policyName ?? (body?.message?.includes('secondly limit') ? 'SECONDLY' : undefined)
    if (policy === 'DAILY') return new BridgeError('quota-exhausted', message, { cause: error, status })
    const header = Number(e.headers?.['x-hubspot-ratelimit-interval-milliseconds'])
    const retryAfterMs = policy === 'SECONDLY' ? windows.searchWindowMs : Number.isFinite(header) && header > 0 ? header : windows.windowMs
    return new BridgeError('rate-limited', message, { cause: error, status, retryAfterMs })
  }
  if (status >= 500 || status === 408) return new BridgeError('transient', message, { cause: error, status })
  if (status === 401 || status === 403) return new BridgeError('unauthorized', message, { cause: error, status })
  if (status === 404) return new BridgeError('not-found', message, { cause: error, status })
  if (status === 409) return new BridgeError('conflict', message, { cause: error, status })
  return new BridgeError('rejected', message, { cause: error, status })
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return { message: s }
  }
}

export interface HubSpotAdapter extends CrmAdapter {
  readonly client: Client
  readonly gate: RateGate
  stop(): void
}

export function createHubSpotAdapter(opts: HubSpotAdapterOptions): HubSpotAdapter {
  const limits = { ...HUBSPOT_CLIENT_LIMITS, ...opts.limits } satisfies RateGateOptions
  // No numberOfApiCallRetries / limiterOptions: the SDK keeps those decorators in a process-wide
  // singleton (the last Client made wins), and the CrmCaller below retries with the CRM's windows.
  const client = new Client({ accessToken: opts.accessToken, ...(opts.basePath ? { basePath: opts.basePath } : {}) })
  const gate = new RateGate(limits)
  const caller: CrmCaller = createCrmCaller({
    gate,
    classify: (error) => classifyHubSpotError(error, limits),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(opts.events ? { events: opts.events } : {}),
  })
  const objects = () => client.crm.objects
  const path = (type: CrmObjectType, rest = '') => `/crm/v3/objects/${encodeURIComponent(type)}${rest}`

  return {
    name: 'hubspot',
    client,
    gate,
    stop: () => caller.stop(),

    async ensureProperties(type, specs: readonly CrmPropertySpec[]) {
      const existing = await caller.call('standard', 'properties.getAll', () => client.crm.properties.coreApi.getAll(type, false))
      const names = new Set(existing.results.map((p) => p.name))
      for (const spec of specs) {
        if (names.has(spec.name)) continue
        try {
          await caller.call('standard', 'properties.create', () =>
            client.crm.properties.coreApi.create(type, {
              name: spec.name,
              label: spec.label,
              type: spec.type as never,
              fieldType: FIELD_TYPE[spec.type] as never,
              groupName: GROUP[type],
              hasUniqueValue: spec.unique === true,
            }),
          )
        } catch (error) {
          // Made by a concurrent start (or by a retried create whose answer was lost).
          if (!(error instanceof BridgeError && error.code === 'conflict')) throw error
        }
      }
    },

    async searchModified(type, w: ModifiedWindow) {
      const request = {
        filterGroups: [{
          filters: [
            { propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(w.since) },
            { propertyName: 'hs_lastmodifieddate', operator: 'LTE', value: String(w.until) },
            { propertyName: 'hs_object_id', operator: 'GT', value: w.afterId },
          ],
        }],
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
        properties: [...w.properties],
        limit: w.limit,
      }
      const page = await caller.call('search', `search ${type}`, () =>
        hubSpotJson<BatchJson>(client, { method: 'POST', path: path(type, '/search'), body: request }))
      return page.results.map(toCrmObject)
    },

    async listPage(type, { after, limit, properties }) {
      // Not basicApi.getPage: its model layer was a tenth of a full reconcile's CPU (hubspot-json.ts).
      const page = await caller.call('standard', `list ${type}`, () => hubSpotJson<ListJson>(client, {
        method: 'GET',
        path: path(type),
        qs: { limit: String(limit), properties: properties.join(','), archived: 'false', ...(after ? { after } : {}) },
      }))
      const next = page.paging?.next?.after
      return { results: page.results.map(toCrmObject), ...(next ? { after: next } : {}) }
    },

    async readBatch(type, ids, { idProperty, properties, archived }) {
      if (ids.length === 0) return []
      const res = await caller.call('standard', `read ${type}`, () => hubSpotJson<BatchJson>(client, {
        method: 'POST',
        path: path(type, '/batch/read'),
        qs: { archived: String(archived === true) },
        body: { inputs: ids.map((id) => ({ id })), properties: [...properties], propertiesWithHistory: [], ...(idProperty ? { idProperty } : {}) },
      }))
      return res.results.map(toCrmObject)
    },

    async upsertBatch(type, idProperty, inputs: readonly CrmUpsertInput[]): Promise<CrmUpsertResult[]> {
      if (inputs.length === 0) return []
      const res = await caller.call('standard', `upsert ${type}`, () => hubSpotJson<UpsertJson>(client, {
        method: 'POST',
        path: path(type, '/batch/upsert'),
        body: { inputs: inputs.map((i) => ({ id: i.key, idProperty, properties: sdkProperties(i.properties) })) },
      }))
      return res.results.map((r) => {
        const object = toCrmObject(r)
        return { key: object.properties[idProperty] ?? '', object, created: r.new === true }
      })
    },

    async updateBatch(type, inputs: readonly CrmUpdateInput[]) {
      if (inputs.length === 0) return { results: [], missing: [] }
      const res = await caller.call('standard', `update ${type}`, () => hubSpotJson<BatchJson>(client, {
        method: 'POST',
        path: path(type, '/batch/update'),
        body: { inputs: inputs.map((i) => ({ id: i.id, properties: sdkProperties(i.properties) })) },
      }))
      const results = res.results.map(toCrmObject)
      const found = new Set(results.map((r) => r.id))
      return { results, missing: inputs.map((i) => i.id).filter((id) => !found.has(id)) }
    },

    async archiveBatch(type, ids) {
      if (ids.length === 0) return
      await caller.call('standard', `archive ${type}`, () => objects().batchApi.archive(type, { inputs: ids.map((id) => ({ id })) }))
    },

    async associate(from, to, pairs) {
      if (pairs.length === 0) return
      await caller.call('standard', `associate ${from}->${to}`, () =>
        client.crm.associations.v4.batchApi.createDefault(from, to, {
          inputs: pairs.map((p) => ({ _from: { id: p.from }, to: { id: p.to } })),
        }),
      )
    },

    async readAssociations(from, to, ids) {
      const out = new Map<string, string[]>()
      if (ids.length === 0) return out
      const res = await caller.call('standard', `associations ${from}->${to}`, () =>
        client.crm.associations.v4.batchApi.getPage(from, to, { inputs: ids.map((id) => ({ id })) }),
      )
      for (const r of res.results) out.set(String(r._from.id), r.to.map((t) => String(t.toObjectId)))
      return out
    },
  }
}
