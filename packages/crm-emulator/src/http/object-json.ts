// Renders records as HubSpot's SimplePublicObject(WithAssociations): which properties a read
// returns (defaults, or those asked for plus the system ones, null when unset) and the dates.
import type { CrmRecord } from '../store/crm-record'
import type { CrmStore } from '../store/crm-store'
import { ASSOCIATION_TYPES } from '../store/association-types'
import { OBJECT_TYPE_INFO, resolveObjectType, type ObjectType } from '../store/object-types'

export interface SimplePublicObjectJson {
  id: string
  properties: Record<string, string | null>
  createdAt: string
  updatedAt: string
  archived: boolean
  archivedAt?: string
  associations?: Record<string, { results: Array<{ id: string; type: string }> }>
}

const ALWAYS = ['createdate', 'hs_lastmodifieddate', 'hs_object_id'] as const

/**
 * `properties` undefined or empty: the type's defaults that are set; 'all': every set property
 * (what writes answer with); a list: those plus the system properties, null when unset.
 */
export function pickProperties(record: CrmRecord, properties: readonly string[] | 'all' | undefined): Record<string, string | null> {
  if (properties === 'all') return { ...record.properties }
  const out: Record<string, string | null> = {}
  if (!properties || properties.length === 0) {
    for (const name of OBJECT_TYPE_INFO[record.type].defaultProperties) {
      const v = record.properties[name]
      if (v !== undefined) out[name] = v
    }
    return out
  }
  for (const name of [...ALWAYS, ...properties]) out[name] = record.properties[name] ?? null
  return out
}

export function toObjectJson(record: CrmRecord, properties: readonly string[] | 'all' | undefined): SimplePublicObjectJson {
  return {
    id: record.id,
    properties: pickProperties(record, properties),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    archived: record.archived,
    ...(record.archivedAt ? { archivedAt: record.archivedAt } : {}),
  }
}

/** Adds the v3 `associations` map for the requested target types (unknown ones are ignored, as HubSpot does). */
export function withAssociations(
  json: SimplePublicObjectJson,
  store: CrmStore,
  type: ObjectType,
  targets: readonly string[] | undefined,
): SimplePublicObjectJson {
  if (!targets || targets.length === 0) return json
  const associations: NonNullable<SimplePublicObjectJson['associations']> = {}
  for (const target of targets) {
    let toType: ObjectType
    try {
      toType = resolveObjectType(target)
    } catch {
      continue
    }
    const results = store.associations
      .of(type, json.id, toType)
      .filter((edge) => store.get(toType, edge.toId) !== undefined)
      .flatMap((edge) => edge.typeIds.map((typeId) => ({ id: edge.toId, type: ASSOCIATION_TYPES.get(typeId)?.name ?? String(typeId) })))
    if (results.length > 0) associations[toType] = { results }
  }
  return Object.keys(associations).length > 0 ? { ...json, associations } : json
}

/** Drops requested properties the type does not define: HubSpot ignores them rather than answering null. */
export function knownProperties(store: CrmStore, type: ObjectType, requested: readonly string[] | undefined): string[] | undefined {
  if (!requested) return undefined
  const defs = store.properties.definitions(type)
  return requested.filter((name) => defs.has(name))
}

/** Query parameters that HubSpot takes both repeated and comma-separated (`properties=a,b&properties=c`). */
export function listParam(values: readonly string[] | undefined): string[] | undefined {
  if (!values || values.length === 0) return undefined
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
}
