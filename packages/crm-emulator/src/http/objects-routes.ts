// Basic CRM object endpoints: list, read, create, update and archive of companies, contacts and
// deals under /crm/v3/objects/{objectType}.
import { Hono } from 'hono'
import { EmulatorError } from '../errors'
import { INTEGRATION } from '../store/crm-record'
import type { CrmStore } from '../store/crm-store'
import { resolveObjectType } from '../store/object-types'
import { applyAssociations, planAssociations } from './create-associations'
import type { EmulatorEnv } from './hono-env'
import { readJson } from './json-body'
import { knownProperties, listParam, toObjectJson, withAssociations } from './object-json'
import { createInput, updateInput } from './request-schemas'

export const LIST_MAX_LIMIT = 100

export function objectsRoutes(store: CrmStore): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()

  app.get('/crm/v3/objects/:objectType', (c) => {
    const type = resolveObjectType(c.req.param('objectType'))
    const limit = Number(c.req.query('limit') ?? 10)
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX_LIMIT) {
      throw new EmulatorError('validation', `limit must be an integer between 1 and ${LIST_MAX_LIMIT}; it was ${c.req.query('limit')}`)
    }
    const after = c.req.query('after')
    if (after !== undefined && !/^\d+$/.test(after)) throw new EmulatorError('validation', `after must be a paging cursor; it was ${after}`)
    const archived = c.req.query('archived') === 'true'
    const properties = knownProperties(store, type, listParam(c.req.queries('properties')))
    const targets = listParam(c.req.queries('associations'))
    const { records: page, more: following } = store.page(type, after === undefined ? 0 : Number(after), limit, archived)
    const results = page.map((r) => withAssociations(toObjectJson(r, properties), store, type, targets))
    const last = page.at(-1)
    const more = following && last !== undefined
    const nextAfter = last ? String(Number(last.id) + 1) : ''
    return c.json({
      results,
      ...(more ? { paging: { next: { after: nextAfter, link: `?after=${nextAfter}` } } } : {}),
    })
  })

  app.post('/crm/v3/objects/:objectType', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'))
    const body = await readJson(c, createInput)
    const planned = planAssociations(store, type, body.associations)
    const record = store.transaction(() => {
      const created = store.create(type, body.properties, INTEGRATION)
      applyAssociations(store, type, created.id, planned)
      return created
    })
    return c.json(toObjectJson(record, 'all'), 201)
  })

  app.get('/crm/v3/objects/:objectType/:objectId', (c) => {
    const type = resolveObjectType(c.req.param('objectType'))
    const archived = c.req.query('archived') === 'true'
    const record = store.resolve(type, c.req.param('objectId'), c.req.query('idProperty'), archived)
    const json = toObjectJson(record, knownProperties(store, type, listParam(c.req.queries('properties'))))
    return c.json(withAssociations(json, store, type, listParam(c.req.queries('associations'))))
  })

  app.patch('/crm/v3/objects/:objectType/:objectId', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'))
    const body = await readJson(c, updateInput)
    const current = store.resolve(type, c.req.param('objectId'), c.req.query('idProperty'))
    const record = store.transaction(() => store.update(type, current.id, body.properties, INTEGRATION))
    return c.json(toObjectJson(record, 'all'))
  })

  app.delete('/crm/v3/objects/:objectType/:objectId', (c) => {
    const type = resolveObjectType(c.req.param('objectType'))
    // HubSpot answers 204 whether or not the record existed.
    store.archive(type, c.req.param('objectId'), INTEGRATION)
    return c.body(null, 204)
  })

  return app
}
