// Associations v4 (/crm/v4/objects/... and /crm/v4/associations/.../batch/...): what the SDK's
// `crm.associations.v4` basic and batch APIs read and write.
import { Hono } from 'hono'
import { EmulatorError } from '../errors'
import { associationType, ASSOCIATION_TYPES, defaultAssociationType } from '../store/association-types'
import type { CrmStore } from '../store/crm-store'
import { OBJECT_TYPE_INFO, resolveObjectType, type ObjectType } from '../store/object-types'
import { batchResponse, batchStatus, notFoundError, type StandardError } from './batch-response'
import type { EmulatorEnv } from './hono-env'
import { readJson } from './json-body'
import {
  associationSpecs, v4BatchArchiveInput, v4BatchCreateInput, v4BatchDefaultInput, v4BatchLabelsArchiveInput, v4BatchReadInput,
} from './request-schemas'

const typesWithLabels = (typeIds: readonly number[]) =>
  typeIds.map((typeId) => ({ category: 'HUBSPOT_DEFINED' as const, typeId, label: ASSOCIATION_TYPES.get(typeId)?.label ?? null }))

export function associationsRoutes(store: CrmStore, clock: () => number): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()
  const iso = (): string => new Date(clock()).toISOString()
  const requireBoth = (fromType: ObjectType, fromId: string, toType: ObjectType, toId: string): void => {
    store.require(fromType, fromId)
    store.require(toType, toId)
  }
  const labelsBetween = (fromType: ObjectType, fromId: string, toType: ObjectType, toId: string) => {
    const edge = store.associations.of(fromType, fromId, toType).find((e) => e.toId === toId)
    return {
      fromObjectTypeId: OBJECT_TYPE_INFO[fromType].objectTypeId,
      fromObjectId: fromId,
      toObjectTypeId: OBJECT_TYPE_INFO[toType].objectTypeId,
      toObjectId: toId,
      labels: (edge?.typeIds ?? []).flatMap((t) => ASSOCIATION_TYPES.get(t)?.label ?? []),
    }
  }
  const associateDefault = (fromType: ObjectType, fromId: string, toType: ObjectType, toId: string) => {
    requireBoth(fromType, fromId, toType, toId)
    const def = defaultAssociationType(fromType, toType)
    store.associations.add(fromType, fromId, toType, toId, [def.typeId])
    const spec = (typeId: number) => ({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId })
    return [
      { from: { id: fromId }, to: { id: toId }, associationSpec: spec(def.typeId) },
      { from: { id: toId }, to: { id: fromId }, associationSpec: spec(def.inverseTypeId) },
    ]
  }
  const page = (fromType: ObjectType, fromId: string, toType: ObjectType, after: string | undefined, limit: number) => {
    const all = store.associations.of(fromType, fromId, toType).filter((e) => store.get(toType, e.toId))
    const start = after === undefined ? 0 : Number(after)
    const slice = all.slice(start, start + limit)
    const next = start + limit
    return {
      results: slice.map((e) => ({ toObjectId: e.toId, associationTypes: typesWithLabels(e.typeIds) })),
      ...(next < all.length ? { paging: { next: { after: String(next), link: '' } } } : {}),
    }
  }

  app.put('/crm/v4/objects/:fromType/:fromId/associations/default/:toType/:toId', (c) => {
    const startedAt = iso()
    const [fromType, toType] = [resolveObjectType(c.req.param('fromType')), resolveObjectType(c.req.param('toType'))]
    const results = store.transaction(() => associateDefault(fromType, c.req.param('fromId'), toType, c.req.param('toId')))
    return c.json(batchResponse(startedAt, iso(), results), 200)
  })

  app.put('/crm/v4/objects/:fromType/:fromId/associations/:toType/:toId', async (c) => {
    const [fromType, toType] = [resolveObjectType(c.req.param('fromType')), resolveObjectType(c.req.param('toType'))]
    const [fromId, toId] = [c.req.param('fromId'), c.req.param('toId')]
    const specs = await readJson(c, associationSpecs)
    requireBoth(fromType, fromId, toType, toId)
    const typeIds = specs.map((s) => associationType(s.associationTypeId, fromType, toType).typeId)
    store.transaction(() => store.associations.add(fromType, fromId, toType, toId, typeIds))
    return c.json(labelsBetween(fromType, fromId, toType, toId), 201)
  })

  app.get('/crm/v4/objects/:fromType/:fromId/associations/:toType', (c) => {
    const [fromType, toType] = [resolveObjectType(c.req.param('fromType')), resolveObjectType(c.req.param('toType'))]
    const limit = Number(c.req.query('limit') ?? 500)
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new EmulatorError('validation', 'limit must be between 1 and 500')
    store.require(fromType, c.req.param('fromId'))
    return c.json(page(fromType, c.req.param('fromId'), toType, c.req.query('after'), limit))
  })

  app.delete('/crm/v4/objects/:fromType/:fromId/associations/:toType/:toId', (c) => {
    const [fromType, toType] = [resolveObjectType(c.req.param('fromType')), resolveObjectType(c.req.param('toType'))]
    store.transaction(() => store.associations.remove(fromType, c.req.param('fromId'), toType, c.req.param('toId')))
    return c.body(null, 204)
  })

  const base = '/crm/v4/associations/:fromType/:toType/batch'
  const types = (c: { req: { param: (n: 'fromType' | 'toType') => string } }): [ObjectType, ObjectType] =>
    [resolveObjectType(c.req.param('fromType')), resolveObjectType(c.req.param('toType'))]

  app.post(`${base}/read`, async (c) => {
    const startedAt = iso()
    const [fromType, toType] = types(c)
    const { inputs } = await readJson(c, v4BatchReadInput)
    const missing = inputs.filter((i) => !store.get(fromType, i.id)).map((i) => i.id)
    const results = inputs
      .filter((i) => store.get(fromType, i.id))
      .map((i) => ({ from: { id: i.id }, to: page(fromType, i.id, toType, i.after, 500).results }))
      .filter((r) => r.to.length > 0)
    const errors: StandardError[] = missing.length > 0
      ? [notFoundError(`No ${OBJECT_TYPE_INFO[fromType].singular} is associated with ids ${missing.join(', ')}`, missing)]
      : []
    return c.json(batchResponse(startedAt, iso(), results, errors), batchStatus(errors, 200))
  })

  app.post(`${base}/create`, async (c) => {
    const startedAt = iso()
    const [fromType, toType] = types(c)
    const { inputs } = await readJson(c, v4BatchCreateInput)
    for (const i of inputs) {
      requireBoth(fromType, i.from.id, toType, i.to.id)
      for (const t of i.types) associationType(t.associationTypeId, fromType, toType)
    }
    const results = store.transaction(() =>
      inputs.map((i) => {
        store.associations.add(fromType, i.from.id, toType, i.to.id, i.types.map((t) => t.associationTypeId))
        return labelsBetween(fromType, i.from.id, toType, i.to.id)
      }),
    )
    return c.json(batchResponse(startedAt, iso(), results), 201)
  })

  app.post(`${base}/associate/default`, async (c) => {
    const startedAt = iso()
    const [fromType, toType] = types(c)
    const { inputs } = await readJson(c, v4BatchDefaultInput)
    for (const i of inputs) requireBoth(fromType, i.from.id, toType, i.to.id)
    const results = store.transaction(() => inputs.flatMap((i) => associateDefault(fromType, i.from.id, toType, i.to.id)))
    return c.json(batchResponse(startedAt, iso(), results), 200)
  })

  app.post(`${base}/archive`, async (c) => {
    const [fromType, toType] = types(c)
    const { inputs } = await readJson(c, v4BatchArchiveInput)
    store.transaction(() => {
      for (const i of inputs) for (const to of i.to) store.associations.remove(fromType, i.from.id, toType, to.id)
    })
    return c.body(null, 204)
  })

  app.post(`${base}/labels/archive`, async (c) => {
    const [fromType, toType] = types(c)
    const { inputs } = await readJson(c, v4BatchLabelsArchiveInput)
    store.transaction(() => {
      for (const i of inputs) store.associations.remove(fromType, i.from.id, toType, i.to.id, i.types.map((t) => t.associationTypeId))
    })
    return c.body(null, 204)
  })

  return app
}
