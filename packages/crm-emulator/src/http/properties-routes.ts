// The properties API (/crm/v3/properties/{objectType}): list, read, create (including unique
// properties such as crdt_record_id), update and archive custom property definitions.
import { Hono } from 'hono'
import type { CrmStore } from '../store/crm-store'
import { resolveObjectType } from '../store/object-types'
import { toPublicProperty } from '../store/property-definitions'
import type { EmulatorEnv } from './hono-env'
import { readJson } from './json-body'
import { listParam } from './object-json'
import { propertyCreateInput, propertyUpdateInput } from './request-schemas'

export function propertiesRoutes(store: CrmStore): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()
  const registry = store.properties

  app.get('/crm/v3/properties/:objectType', (c) => {
    const type = resolveObjectType(c.req.param('objectType'))
    const only = listParam(c.req.queries('properties'))
    const list = registry.list(type, c.req.query('archived') === 'true').filter((p) => !only || only.includes(p.name))
    return c.json({ results: list.map(toPublicProperty) })
  })

  app.get('/crm/v3/properties/:objectType/:propertyName', (c) => {
    const type = resolveObjectType(c.req.param('objectType'))
    return c.json(toPublicProperty(registry.get(type, c.req.param('propertyName'))))
  })

  app.post('/crm/v3/properties/:objectType', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'))
    const body = await readJson(c, propertyCreateInput)
    return c.json(toPublicProperty(registry.create(type, body)), 201)
  })

  app.patch('/crm/v3/properties/:objectType/:propertyName', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'))
    const body = await readJson(c, propertyUpdateInput)
    return c.json(toPublicProperty(registry.update(type, c.req.param('propertyName'), body)))
  })

  app.delete('/crm/v3/properties/:objectType/:propertyName', (c) => {
    const type = resolveObjectType(c.req.param('objectType'))
    registry.archive(type, c.req.param('propertyName'))
    return c.body(null, 204)
  })

  return app
}
