// The declarative field map: which book field goes to which CRM property, in which direction,
// through which transform, and how a conflict on it is settled. Defaults below; an operator may
// override direction and policy per field (BRIDGE_FIELD_MAP) without touching code.
import { z } from 'zod'
import type { CrmObjectType, CrmPropertySpec } from './crm-adapter'
import { FIELD_TRANSFORMS, TRANSFORM_NAMES, type FieldTransform, type TransformName } from './field-transforms'

/** What the bridge syncs: a customer is a company; its contacts and deals are associated records. */
export const BRIDGE_KINDS = ['company', 'contact', 'deal'] as const
export type BridgeKind = (typeof BRIDGE_KINDS)[number]

export const CRM_TYPE: Record<BridgeKind, CrmObjectType> = { company: 'companies', contact: 'contacts', deal: 'deals' }

export const DIRECTIONS = ['both', 'toCrm', 'fromCrm'] as const
export type Direction = (typeof DIRECTIONS)[number]

/** later-wins: the side changed last (CRDT time from the relay's log, CRM time from hs_lastmodifieddate). */
export const CONFLICT_POLICIES = ['later-wins', 'book-wins', 'crm-wins', 'merge-text'] as const
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number]

export interface FieldMapping {
  /** Book field in its string form: `name`, `address.city`, `notes`, `tags`, a contact's `email`. */
  readonly field: string
  readonly property: string
  readonly direction: Direction
  readonly policy: ConflictPolicy
  readonly transform: TransformName
}

export type FieldMap = Readonly<Record<BridgeKind, readonly FieldMapping[]>>

const f = (field: string, property: string, transform: TransformName = 'identity', extra: Partial<FieldMapping> = {}): FieldMapping => ({
  field, property, transform, direction: 'both', policy: 'later-wins', ...extra,
})

export const DEFAULT_FIELD_MAP: FieldMap = {
  company: [
    f('name', 'name'),
    f('status', 'lifecyclestage', 'lifecycle'),
    f('email', 'crdt_email', 'email'),
    f('phone', 'phone', 'phone'),
    f('website', 'website', 'website'),
    f('industry', 'industry'),
    f('ownerId', 'hubspot_owner_id'),
    f('address.street', 'address'),
    f('address.city', 'city'),
    f('address.region', 'state'),
    f('address.postalCode', 'zip'),
    f('address.country', 'country', 'country'),
    f('tags', 'crdt_tags', 'tags'),
    f('notes', 'description', 'identity', { policy: 'merge-text' }),
  ],
  contact: [
    f('firstName', 'firstname'),
    f('lastName', 'lastname'),
    f('email', 'email', 'email'),
    f('phone', 'phone', 'phone'),
    f('title', 'jobtitle'),
  ],
  deal: [
    f('name', 'dealname'),
    f('amount', 'amount', 'number'),
    f('currency', 'deal_currency_code'),
    f('stage', 'dealstage'),
    f('closeDate', 'closedate', 'date'),
  ],
}

/** The unique property naming a record by its book id (the idProperty of upserts), and its book. */
export const RECORD_ID_PROPERTY = 'crdt_record_id'
export const BOOK_ID_PROPERTY = 'crdt_book_id'

/** Properties the bridge creates in the CRM when they are missing. */
export const BRIDGE_PROPERTIES: Record<CrmObjectType, CrmPropertySpec[]> = {
  companies: [
    { name: RECORD_ID_PROPERTY, label: 'CRDT record id', type: 'string', unique: true },
    { name: BOOK_ID_PROPERTY, label: 'CRDT book id', type: 'string' },
    { name: 'crdt_email', label: 'Email (from the books)', type: 'string' },
    { name: 'crdt_tags', label: 'Tags (from the books)', type: 'string' },
  ],
  contacts: [{ name: RECORD_ID_PROPERTY, label: 'CRDT record id', type: 'string', unique: true }],
  deals: [{ name: RECORD_ID_PROPERTY, label: 'CRDT record id', type: 'string', unique: true }],
}

const overrideSchema = z.partialRecord(
  z.enum(BRIDGE_KINDS),
  z.record(z.string(), z.strictObject({
    direction: z.enum(DIRECTIONS).optional(),
    policy: z.enum(CONFLICT_POLICIES).optional(),
    property: z.string().min(1).optional(),
    transform: z.enum(TRANSFORM_NAMES as [TransformName, ...TransformName[]]).optional(),
  })),
)
export type FieldMapOverride = z.infer<typeof overrideSchema>

/** Parses BRIDGE_FIELD_MAP (JSON: `{ "company": { "industry": { "direction": "fromCrm" } } }`). */
export function parseFieldMapOverride(json: string): FieldMapOverride {
  return overrideSchema.parse(JSON.parse(json))
}

export function buildFieldMap(override: FieldMapOverride = {}, base: FieldMap = DEFAULT_FIELD_MAP): FieldMap {
  const out = {} as Record<BridgeKind, FieldMapping[]>
  for (const kind of BRIDGE_KINDS) {
    const o = override[kind] ?? {}
    for (const field of Object.keys(o)) {
      if (!base[kind].some((m) => m.field === field)) throw new Error(`BRIDGE_FIELD_MAP: ${kind} has no field ${field}`)
    }
    out[kind] = base[kind].map((m) => ({ ...m, ...o[m.field] }))
  }
  return out
}

export const transformOf = (m: FieldMapping): FieldTransform => FIELD_TRANSFORMS[m.transform]

/** CRM properties to read for a kind: the mapped ones plus the bridge's own. */
export function propertiesToRead(map: FieldMap, kind: BridgeKind): string[] {
  return [...new Set([...map[kind].map((m) => m.property), RECORD_ID_PROPERTY, BOOK_ID_PROPERTY, 'hs_lastmodifieddate'])]
    .filter((p) => kind === 'company' || p !== BOOK_ID_PROPERTY)
}
