// zod schemas of the request bodies the emulator accepts, after HubSpot's CRM v3/v4 OpenAPI
// specs (SimplePublicObjectInput, BatchInput*, PublicObjectSearchRequest, PropertyCreate ...).
import { z } from 'zod'
import { FILTER_OPERATORS } from '../store/search'
import { PROPERTY_TYPES } from '../store/property-definitions'

export const BATCH_LIMIT = 100

const batch = <T extends z.ZodType>(item: T) =>
  z.object({
    inputs: z.array(item).max(BATCH_LIMIT, `Batch input limit exceeded: at most ${BATCH_LIMIT} inputs are allowed`),
  })

export const propertyInput = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))

const objectId = z.object({ id: z.union([z.string(), z.number()]).transform(String) })

export const associationSpec = z.object({
  associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
  associationTypeId: z.number().int(),
})

const associationForObject = z.object({ to: objectId, types: z.array(associationSpec).min(1) })

export const createInput = z.object({
  properties: propertyInput,
  associations: z.array(associationForObject).optional(),
})
export const updateInput = z.object({ properties: propertyInput })

export const batchReadInput = z.object({
  inputs: batch(objectId).shape.inputs,
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
})
export const batchCreateInput = batch(createInput)
export const batchUpdateInput = batch(
  z.object({ id: z.union([z.string(), z.number()]).transform(String), idProperty: z.string().optional(), properties: propertyInput }),
)
export const batchUpsertInput = batch(
  z.object({ id: z.union([z.string(), z.number()]).transform(String), idProperty: z.string(), properties: propertyInput }),
)
export const batchArchiveInput = batch(objectId)

const filter = z.object({
  propertyName: z.string().min(1),
  operator: z.enum(FILTER_OPERATORS),
  value: z.union([z.string(), z.number(), z.boolean()]).transform(String).optional(),
  highValue: z.union([z.string(), z.number()]).transform(String).optional(),
  values: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
})

/** HubSpot takes sorts as `"prop"` / `"-prop"` strings (the SDK's type) or `{propertyName, direction}`. */
const sort = z.union([
  z.string().min(1).transform((s) => s.startsWith('-')
    ? { propertyName: s.slice(1), direction: 'DESCENDING' as const }
    : { propertyName: s, direction: 'ASCENDING' as const }),
  z.object({ propertyName: z.string().min(1), direction: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING') }),
])

export const searchInput = z.object({
  filterGroups: z.array(z.object({ filters: z.array(filter).max(6, 'A filter group may hold at most 6 filters') }))
    .max(5, 'At most 5 filter groups are allowed')
    .refine((groups) => groups.reduce((n, g) => n + g.filters.length, 0) <= 18, 'At most 18 filters are allowed in total')
    .default([]),
  // HubSpot's search guide: "Only one sorting rule can be applied to any search."
  sorts: z.array(sort).max(1, 'Only one sorting rule can be applied to a search').default([]),
  query: z.string().max(3000).optional(),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().default(10),
  after: z.union([z.string(), z.number()]).transform(String).optional(),
})

const option = z.object({
  label: z.string(),
  value: z.string(),
  hidden: z.boolean().default(false),
  displayOrder: z.number().int().optional(),
  description: z.string().optional(),
})

export const propertyCreateInput = z.object({
  name: z.string().min(1),
  label: z.string().min(1),
  type: z.enum(PROPERTY_TYPES),
  fieldType: z.string().min(1),
  groupName: z.string().min(1),
  description: z.string().optional(),
  options: z.array(option).optional(),
  displayOrder: z.number().int().optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
  externalOptions: z.boolean().optional(),
})
export const propertyUpdateInput = propertyCreateInput.omit({ name: true, hasUniqueValue: true }).partial()

// v4 associations
export const associationSpecs = z.array(associationSpec).min(1)
export const v4BatchCreateInput = batch(z.object({ from: objectId, to: objectId, types: z.array(associationSpec).min(1) }))
export const v4BatchDefaultInput = batch(z.object({ from: objectId, to: objectId }))
export const v4BatchReadInput = batch(z.object({ id: z.union([z.string(), z.number()]).transform(String), after: z.string().optional() }))
export const v4BatchArchiveInput = batch(z.object({ from: objectId, to: z.array(objectId) }))
export const v4BatchLabelsArchiveInput = v4BatchCreateInput
