// Batch endpoints of CRM objects (read, create, update, upsert by a unique idProperty, archive),
// at most 100 inputs each; creates and upserts are validated as a whole before anything is written.
import { Hono } from 'hono'
import { EmulatorError } from '../errors'
import { INTEGRATION } from '../store/crm-record'
import type { CrmRecord } from '../store/crm-record'
import type { CrmStore } from '../store/crm-store'
import { OBJECT_TYPE_INFO, resolveObjectType, type ObjectType } from '../store/object-types'
import type { PropertyInput } from '../store/property-values'
import { batchResponse, batchStatus, notFoundError, type StandardError } from './batch-response'
import { applyAssociations, planAssociations } from './create-associations'
import type { EmulatorEnv } from './hono-env'
import { readJson } from './json-body'
import { knownProperties, toObjectJson } from './object-json'
import { batchArchiveInput, batchCreateInput, batchReadInput, batchUpdateInput, batchUpsertInput } from './request-schemas'

/** Two inputs of one batch must not claim the same unique value (HubSpot rejects the batch). */
function checkUniqueWithinBatch(store: CrmStore, type: ObjectType, inputs: readonly PropertyInput[]): void {
  for (const name of store.properties.uniqueNames(type)) {
    const seen = new Set<string>()
    for (const input of inputs) {
      const value = input[name]
      if (value === undefined || value === null || value === '') continue
      if (seen.has(String(value))) throw new EmulatorError('validation', `Duplicate value "${String(value)}" for unique property ${name} in batch input`)
      seen.add(String(value))
    }
  }
}

/**
 * HubSpot refuses a whole batch that names one id twice: 400 VALIDATION_ERROR
 * "Duplicate IDs found in batch input: [id]. IDs must be unique" with `context.ids`.
 */
function rejectDuplicateIds(ids: readonly string[]): void {
  const seen = new Set<string>()
  const duplicates = new Set<string>()
  for (const id of ids) (seen.has(id) ? duplicates : seen).add(id)
  if (duplicates.size === 0) return
  const list = [...duplicates]
  throw new EmulatorError('validation', `Duplicate IDs found in batch input: [${list.join(', ')}]. IDs must be unique`, { context: { ids: list } })
}

export function batchRoutes(store: CrmStore, clock: () => number): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>()
  const iso = (): string => new Date(clock()).toISOString()
  const missing = (type: ObjectType, verb: string, ids: string[]): StandardError =>
    notFoundError(`Could not ${verb} some ${OBJECT_TYPE_INFO[type].upper} objects, they may be deleted or not exist. Check that ids are valid.`, ids)

  app.post('/crm/v3/objects/:objectType/batch/read', async (c) => {
    const startedAt = iso()
    const type = resolveObjectType(c.req.param('objectType'))
    const body = await readJson(c, batchReadInput)
    const archived = c.req.query('archived') === 'true'
    if (body.idProperty) store.requireUniqueProperty(type, body.idProperty)
    const results: CrmRecord[] = []
    const notFound: string[] = []
    for (const { id } of body.inputs) {
      const record = body.idProperty ? store.findBy(type, body.idProperty, id, archived) : store.get(type, id, archived)
      if (record) results.push(record)
      else notFound.push(id)
    }
    const errors = notFound.length > 0 ? [missing(type, 'get', notFound)] : []
    const properties = knownProperties(store, type, body.properties)
    const json = results.map((r) => toObjectJson(r, properties))
    return c.json(batchResponse(startedAt, iso(), json, errors), batchStatus(errors, 200))
  })

  app.post('/crm/v3/objects/:objectType/batch/create', async (c) => {
    const startedAt = iso()
    const type = resolveObjectType(c.req.param('objectType'))
    const { inputs } = await readJson(c, batchCreateInput)
    checkUniqueWithinBatch(store, type, inputs.map((i) => i.properties))
    const planned = inputs.map((input) => {
      store.check(type, input.properties)
      return planAssociations(store, type, input.associations)
    })
    const created = store.transaction(() =>
      inputs.map((input, i) => {
        const record = store.create(type, input.properties, INTEGRATION)
        applyAssociations(store, type, record.id, planned[i] ?? [])
        return record
      }),
    )
    return c.json(batchResponse(startedAt, iso(), created.map((r) => toObjectJson(r, 'all'))), 201)
  })

  app.post('/crm/v3/objects/:objectType/batch/update', async (c) => {
    const startedAt = iso()
    const type = resolveObjectType(c.req.param('objectType'))
    const { inputs } = await readJson(c, batchUpdateInput)
    rejectDuplicateIds(inputs.map((i) => i.id))
    const notFound: string[] = []
    const targets: Array<{ id: string; properties: PropertyInput }> = []
    for (const input of inputs) {
      const record = input.idProperty ? store.findBy(type, input.idProperty, input.id) : store.get(type, input.id)
      if (input.idProperty) store.requireUniqueProperty(type, input.idProperty)
      if (!record) notFound.push(input.id)
      else targets.push({ id: record.id, properties: input.properties })
    }
    for (const t of targets) store.check(type, t.properties, t.id)
    const updated = store.transaction(() => targets.map((t) => store.update(type, t.id, t.properties, INTEGRATION)))
    const errors = notFound.length > 0 ? [missing(type, 'update', notFound)] : []
    return c.json(batchResponse(startedAt, iso(), updated.map((r) => toObjectJson(r, 'all')), errors), batchStatus(errors, 200))
  })

  app.post('/crm/v3/objects/:objectType/batch/upsert', async (c) => {
    const startedAt = iso()
    const type = resolveObjectType(c.req.param('objectType'))
    const { inputs } = await readJson(c, batchUpsertInput)
    rejectDuplicateIds(inputs.map((i) => i.id))
    const plan = inputs.map((input) => {
      if (input.idProperty === 'hs_object_id') throw new EmulatorError('validation', 'Upsert needs a unique idProperty other than hs_object_id')
      store.requireUniqueProperty(type, input.idProperty)
      const existing = store.findBy(type, input.idProperty, input.id)
      const properties: PropertyInput = { ...input.properties, [input.idProperty]: input.id }
      store.check(type, properties, existing?.id)
      return { existing, properties }
    })
    checkUniqueWithinBatch(store, type, plan.filter((p) => !p.existing).map((p) => p.properties))
    const results = store.transaction(() =>
      plan.map(({ existing, properties }) => {
        const record = existing
          ? store.update(type, existing.id, properties, INTEGRATION)
          : store.create(type, properties, INTEGRATION)
        return { ...toObjectJson(record, 'all'), new: !existing }
      }),
    )
    return c.json(batchResponse(startedAt, iso(), results), 200)
  })

  app.post('/crm/v3/objects/:objectType/batch/archive', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'))
    const { inputs } = await readJson(c, batchArchiveInput)
    store.transaction(() => {
      for (const { id } of inputs) store.archive(type, id, INTEGRATION)
    })
    return c.body(null, 204)
  })

  return app
}
