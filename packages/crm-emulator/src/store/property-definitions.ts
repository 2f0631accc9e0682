// Property definitions (HubSpot's `Property` schema) and the built-in ones of each object type,
// so reads, writes, search and the properties API agree on names, types and uniqueness.
import type { ObjectType } from './object-types'

export const PROPERTY_TYPES = ['string', 'number', 'date', 'datetime', 'enumeration', 'bool'] as const
export type PropertyType = (typeof PROPERTY_TYPES)[number]

export interface PropertyOption {
  label: string
  value: string
  hidden: boolean
  displayOrder?: number
  description?: string
}

export interface PropertyDefinition {
  name: string
  label: string
  type: PropertyType
  fieldType: string
  groupName: string
  description: string
  options: PropertyOption[]
  displayOrder: number
  hasUniqueValue: boolean
  hidden: boolean
  formField: boolean
  calculated: boolean
  externalOptions: boolean
  hubspotDefined: boolean
  /** Set by HubSpot only (hs_object_id, createdate, ...): writes are rejected. */
  readOnlyValue: boolean
  createdAt: string
  updatedAt: string
  archived: boolean
}

const options = (values: readonly string[]): PropertyOption[] =>
  values.map((value, i) => ({ label: value, value, hidden: false, displayOrder: i }))

type Builtin = [name: string, type: PropertyType, extra?: Partial<PropertyDefinition>]

const LIFECYCLE = options([
  'subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other',
])
export const DEAL_STAGES = [
  'appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin',
  'contractsent', 'closedwon', 'closedlost',
] as const

const READ_ONLY = { readOnlyValue: true } as const
const COMMON: Builtin[] = [
  ['hs_object_id', 'number', READ_ONLY],
  ['createdate', 'datetime', READ_ONLY],
  ['hs_lastmodifieddate', 'datetime', READ_ONLY],
  ['hubspot_owner_id', 'enumeration'],
]

const BUILTINS: Record<ObjectType, Builtin[]> = {
  companies: [
    ...COMMON,
    ['name', 'string'], ['domain', 'string'], ['website', 'string'], ['phone', 'string'],
    // HubSpot's `industry` is an enumeration; a string keeps free-form industries of the books.
    ['industry', 'string'], ['address', 'string'], ['address2', 'string'], ['city', 'string'],
    ['state', 'string'], ['zip', 'string'], ['country', 'string'], ['description', 'string'],
    ['lifecyclestage', 'enumeration', { options: LIFECYCLE }],
    ['numberofemployees', 'number'], ['annualrevenue', 'number'],
  ],
  contacts: [
    ...COMMON,
    ['lastmodifieddate', 'datetime', READ_ONLY],
    ['firstname', 'string'], ['lastname', 'string'], ['email', 'string', { hasUniqueValue: true }],
    ['phone', 'string'], ['mobilephone', 'string'], ['jobtitle', 'string'], ['company', 'string'],
    ['lifecyclestage', 'enumeration', { options: LIFECYCLE }],
  ],
  deals: [
    ...COMMON,
    ['dealname', 'string'], ['amount', 'number'], ['closedate', 'datetime'],
    ['dealstage', 'enumeration', { options: options(DEAL_STAGES) }],
    ['pipeline', 'enumeration', { options: options(['default']) }],
    ['deal_currency_code', 'string'], ['description', 'string'],
  ],
}

const FIELD_TYPE: Record<PropertyType, string> = {
  string: 'text', number: 'number', date: 'date', datetime: 'date', enumeration: 'select', bool: 'booleancheckbox',
}

export function builtinProperties(type: ObjectType, at: string): PropertyDefinition[] {
  return BUILTINS[type].map(([name, propertyType, extra], i) => ({
    name,
    label: name,
    type: propertyType,
    fieldType: FIELD_TYPE[propertyType],
    groupName: `${type === 'companies' ? 'company' : type === 'contacts' ? 'contact' : 'deal'}information`,
    description: '',
    options: [],
    displayOrder: i,
    hasUniqueValue: false,
    hidden: false,
    formField: !extra?.readOnlyValue,
    calculated: false,
    externalOptions: false,
    hubspotDefined: true,
    readOnlyValue: false,
    createdAt: at,
    updatedAt: at,
    archived: false,
    ...extra,
  }))
}

/** The public JSON form of a definition (HubSpot's `Property`). */
export function toPublicProperty(p: PropertyDefinition): Record<string, unknown> {
  const { readOnlyValue, ...rest } = p
  return {
    ...rest,
    modificationMetadata: {
      archivable: !p.hubspotDefined,
      readOnlyDefinition: p.hubspotDefined,
      readOnlyValue,
    },
  }
}
