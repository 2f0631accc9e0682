// The CRM object types the emulator serves, with every alias HubSpot accepts for them in a
// path (plural name, singular name, objectTypeId) and the properties a read returns by default.
import { EmulatorError } from '../errors'

export const OBJECT_TYPES = ['companies', 'contacts', 'deals'] as const
export type ObjectType = (typeof OBJECT_TYPES)[number]

interface ObjectTypeInfo {
  singular: 'company' | 'contact' | 'deal'
  objectTypeId: '0-1' | '0-2' | '0-3'
  /** HubSpot's upper-case name used in some error messages. */
  upper: 'COMPANY' | 'CONTACT' | 'DEAL'
  /** Properties returned when a read names none. */
  defaultProperties: readonly string[]
  /** Properties the free-text `query` of a search looks in. */
  searchableProperties: readonly string[]
}

export const OBJECT_TYPE_INFO: Record<ObjectType, ObjectTypeInfo> = {
  companies: {
    singular: 'company',
    objectTypeId: '0-2',
    upper: 'COMPANY',
    defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    searchableProperties: ['name', 'domain', 'website', 'phone'],
  },
  contacts: {
    singular: 'contact',
    objectTypeId: '0-1',
    upper: 'CONTACT',
    defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    searchableProperties: ['firstname', 'lastname', 'email', 'phone', 'company'],
  },
  deals: {
    singular: 'deal',
    objectTypeId: '0-3',
    upper: 'DEAL',
    defaultProperties: [
      'amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline',
    ],
    searchableProperties: ['dealname'],
  },
}

const ALIASES = new Map<string, ObjectType>()
for (const type of OBJECT_TYPES) {
  const info = OBJECT_TYPE_INFO[type]
  ALIASES.set(type, type)
  ALIASES.set(info.singular, type)
  ALIASES.set(info.objectTypeId, type)
}

export const isObjectType = (name: string): name is ObjectType => (OBJECT_TYPES as readonly string[]).includes(name)

/** Resolves `companies`, `company` or `0-2` (any case) to the object type; 400 otherwise, as HubSpot does. */
export function resolveObjectType(name: string): ObjectType {
  const type = ALIASES.get(name.toLowerCase())
  if (!type) throw new EmulatorError('validation', `Unable to infer object type from: ${name}`)
  return type
}
