// POST /crm/v3/objects/{objectType}/search: HubSpot's CRM search over live records, as of
// `searchLagMs` ago when that fault is set (HubSpot's search index lags writes).
import { Hono } from 'hono'
import type { FaultInjector } from '../faults/fault-injector'
import type { CrmStore } from '../store/crm-store'
import { OBJECT_TYPE_INFO, resolveObjectType } from '../store/object-types'
import { searchRecords } from '../store/search'
import type { EmulatorEnv } from './hono-env'
import { readJson } from './json-body'
import { knownProperties, toObjectJson } from './object-json'
import { searchInput } from './request-schemas'

export function searchRoutes(store: CrmStore, faults: FaultInjector, clock: () => number): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()
  app.post('/crm/v3/objects/:objectType/search', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'))
    const body = await readJson(c, searchInput)
    const lagMs = faults.current.searchLagMs
    const page = searchRecords(
      lagMs > 0 ? store.listAsOf(type, clock() - lagMs) : store.list(type),
      { filterGroups: body.filterGroups, sorts: body.sorts, query: body.query, limit: body.limit, after: body.after },
      store.properties.definitions(type),
      OBJECT_TYPE_INFO[type].searchableProperties,
    )
    const properties = knownProperties(store, type, body.properties)
    return c.json({
      total: page.total,
      results: page.results.map((r) => toObjectJson(r, properties)),
      ...(page.nextAfter !== undefined ? { paging: { next: { after: page.nextAfter, link: '' } } } : {}),
    })
  })
  return app
}
