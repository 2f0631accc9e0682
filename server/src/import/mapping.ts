// The mapping file: which source column (or path, for JSON and XML) feeds which customer
// field, through which transforms, and what identifies a record across imports. Parsed and
// checked with zod so a bad mapping is refused before a single row is read. Format and
// example: README.md in this folder.
import { z } from 'zod'
import { ImportError } from './import-error'

/** Customer fields a source can feed; dotted names are nested (address.city), contact.* is one contact. */
export const TARGET_FIELDS = [
  'id', 'name', 'status', 'email', 'phone', 'website', 'industry', 'ownerId', 'archived',
  'address.street', 'address.city', 'address.region', 'address.postalCode', 'address.country',
  'tags', 'notes', 'createdAt', 'createdBy',
  'contacts', 'deals', 'activities',
  'contact.firstName', 'contact.lastName', 'contact.email', 'contact.phone', 'contact.title',
] as const
export type TargetField = (typeof TARGET_FIELDS)[number]

export const NAMED_TRANSFORMS = ['trim', 'lowercase', 'uppercase', 'collapse-spaces', 'title-case', 'digits-only', 'json'] as const

export const transformSchema = z.union([
  z.enum(NAMED_TRANSFORMS),
  /** Phone number to E.164, reading numbers without a "+" in this region. */
  z.strictObject({ phone: z.string().regex(/^[A-Za-z]{2}$/, 'a two-letter region such as DE') }),
  /** A date in the given pattern (YYYY, YY, MM, M, DD, D, HH, mm, ss) to ISO 8601. */
  z.strictObject({ date: z.string().min(2) }),
  /** Value mapping, case-insensitive; values not listed pass through unchanged. */
  z.strictObject({ map: z.record(z.string(), z.string()) }),
  /** Text to a list (tags), split on any of the given characters. */
  z.strictObject({ split: z.string().min(1) }),
])
export type Transform = z.infer<typeof transformSchema>

const sourceSchema = z.union([
  z.string().min(1),
  z.strictObject({
    /** Column or path; several are joined with `join`. */
    from: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    join: z.string().default(' '),
    /** A constant, for every row (e.g. "status": { "value": "lead" }). */
    value: z.string().optional(),
    /** Used when the source is empty. */
    default: z.string().optional(),
    transform: z.union([transformSchema, z.array(transformSchema)]).optional(),
  }).refine((s) => s.from !== undefined || s.value !== undefined, 'give "from" (a column) or "value" (a constant)'),
])
export type FieldSource = z.infer<typeof sourceSchema>

export const mappingSchema = z.strictObject({
  fields: z.partialRecord(z.enum(TARGET_FIELDS), sourceSchema),
  /**
   * Column(s) holding the record's stable id in the source system: importing the same key again
   * updates the same customer. Without it, the mapped content itself is the key.
   */
  key: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** Keeps keys of different source systems apart ("legacy-crm", "trade-fair-2024"). */
  keyNamespace: z.string().min(1).max(100).default('default'),
  /** How phone numbers without "+" are read when the row has no country. */
  defaultRegion: z.string().regex(/^[A-Za-z]{2}$/).optional(),
  /** XML: the record element. */
  record: z.string().min(1).optional(),
  /** CSV: the delimiter, instead of detecting it. */
  delimiter: z.string().length(1).optional(),
  /** Cell values that mean "no value" besides the empty one (compared after trimming, case-insensitively). */
  nullValues: z.array(z.string()).default(['null', 'n/a', '#n/a', 'none', '-']),
  dedupe: z.strictObject({
    /** Name similarity (see nameSimilarity; same city) from which two customers are duplicates. */
    threshold: z.number().min(0.5).max(1).default(0.92),
    /** What a fuzzy (name + city) match does: report it as a candidate, merge, or nothing. */
    fuzzy: z.enum(['report', 'merge', 'off']).default('report'),
  }).prefault({}),
})
export type Mapping = z.infer<typeof mappingSchema>
export type MappingInput = z.input<typeof mappingSchema>

export function parseMapping(raw: unknown): Mapping {
  const parsed = mappingSchema.safeParse(raw)
  if (!parsed.success) {
    throw new ImportError('invalid-mapping', 'the mapping is not valid', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })))
  }
  if (parsed.data.fields.name === undefined) throw new ImportError('invalid-mapping', 'the mapping has no source for "name"; every customer needs one')
  return parsed.data
}

export function parseMappingJson(text: string): Mapping {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new ImportError('invalid-mapping', 'the mapping is not valid JSON', undefined, { cause: e })
  }
  return parseMapping(raw)
}

/** The columns a source reads, for the missing-columns check. */
export function sourceColumns(source: FieldSource): string[] {
  if (typeof source === 'string') return [source]
  if (source.from === undefined) return []
  return Array.isArray(source.from) ? source.from : [source.from]
}

export function keyColumns(mapping: Mapping): string[] {
  if (mapping.key === undefined) return []
  return Array.isArray(mapping.key) ? mapping.key : [mapping.key]
}
