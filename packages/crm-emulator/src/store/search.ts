// CRM search as HubSpot evaluates it: filter groups ORed, filters ANDed, typed comparisons
// (numbers, dates as epoch ms or ISO, strings case-insensitive except IN/NOT_IN values and
// enumerations), sorts, offset paging capped at 10,000 results.
import { EmulatorError } from '../errors'
import type { CrmRecord } from './crm-record'
import type { PropertyDefinition } from './property-definitions'

export const FILTER_OPERATORS = [
  'EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN',
] as const
export type FilterOperator = (typeof FILTER_OPERATORS)[number]

export interface SearchFilter {
  propertyName: string
  operator: FilterOperator
  value?: string
  highValue?: string
  values?: string[]
}

export interface SearchSort {
  propertyName: string
  direction: 'ASCENDING' | 'DESCENDING'
}

export interface SearchQuery {
  filterGroups: Array<{ filters: SearchFilter[] }>
  sorts: SearchSort[]
  query?: string
  limit: number
  /** Offset into the sorted results, as a string cursor. */
  after?: string
}

export const SEARCH_MAX_LIMIT = 200
export const SEARCH_RESULT_CAP = 10_000

/** `text` compares case-insensitively, `enum` (enumeration options) case-sensitively, as HubSpot does. */
type Kind = 'number' | 'date' | 'text' | 'enum'

function kindOf(def: PropertyDefinition): Kind {
  if (def.type === 'number') return 'number'
  if (def.type === 'date' || def.type === 'datetime') return 'date'
  if (def.type === 'enumeration') return 'enum'
  return 'text'
}

function toComparable(kind: Kind, raw: string): number | string {
  if (kind === 'number') return Number(raw)
  if (kind === 'date') return /^-?\d+$/.test(raw) ? Number(raw) : Date.parse(raw)
  if (kind === 'enum') return raw
  return raw.toLowerCase()
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0
}

function tokenMatch(value: string, token: string): boolean {
  const pattern = token.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  const re = new RegExp(`^${pattern}$`)
  return value.toLowerCase().split(/[\s@.,;:/_-]+/).some((word) => re.test(word)) || re.test(value.toLowerCase())
}

/** A filter with its property's kind and its values made comparable once per search, not per record. */
interface PreparedFilter {
  readonly filter: SearchFilter
  readonly kind: Kind
  readonly value: number | string | undefined
  readonly high: number | string | undefined
  readonly values: Array<number | string> | undefined
}

function prepare(filter: SearchFilter, def: PropertyDefinition): PreparedFilter {
  const kind = kindOf(def)
  return {
    filter,
    kind,
    value: filter.value === undefined ? undefined : toComparable(kind, filter.value),
    high: filter.highValue === undefined ? undefined : toComparable(kind, filter.highValue),
    // IN and NOT_IN on a string property match lower-case values only: HubSpot's search guide says
    // the searched values "must be lowercase", so `Lyon` finds nothing (the stored value is compared lower-cased).
    values: filter.values?.map((v) => (kind === 'text' ? v : toComparable(kind, v))),
  }
}

function need<T>(filter: SearchFilter, v: T | undefined, what = 'value'): T {
  if (v === undefined) throw new EmulatorError('validation', `Filter on ${filter.propertyName} with operator ${filter.operator} requires a ${what}`)
  return v
}

function matches(record: CrmRecord, p: PreparedFilter): boolean {
  const { filter, kind } = p
  const raw = record.properties[filter.propertyName]
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return raw !== undefined
    case 'NOT_HAS_PROPERTY':
      return raw === undefined
    case 'NEQ':
      return raw === undefined || compare(toComparable(kind, raw), need(filter, p.value)) !== 0
    case 'NOT_IN': {
      if (raw === undefined) return true
      const value = toComparable(kind, raw)
      return !(p.values ?? []).some((v) => compare(value, v) === 0)
    }
    case 'NOT_CONTAINS_TOKEN':
      return raw === undefined || !tokenMatch(raw, need(filter, filter.value))
    default:
      break
  }
  if (raw === undefined) return false
  const value = toComparable(kind, raw)
  switch (filter.operator) {
    case 'EQ':
      return compare(value, need(filter, p.value)) === 0
    case 'LT':
      return compare(value, need(filter, p.value)) < 0
    case 'LTE':
      return compare(value, need(filter, p.value)) <= 0
    case 'GT':
      return compare(value, need(filter, p.value)) > 0
    case 'GTE':
      return compare(value, need(filter, p.value)) >= 0
    case 'BETWEEN':
      return compare(value, need(filter, p.value)) >= 0 && compare(value, need(filter, p.high, 'highValue')) <= 0
    case 'IN':
      if (!p.values) throw new EmulatorError('validation', `Filter on ${filter.propertyName} with operator IN requires values`)
      return p.values.some((v) => compare(value, v) === 0)
    case 'CONTAINS_TOKEN':
      return tokenMatch(raw, need(filter, filter.value))
    default:
      return false
  }
}

function definition(definitions: ReadonlyMap<string, PropertyDefinition>, name: string): PropertyDefinition {
  const def = definitions.get(name)
  if (!def || def.archived) throw new EmulatorError('validation', `There was a problem with the request: property ${name} does not exist`)
  return def
}

export interface SearchPage {
  total: number
  results: CrmRecord[]
  nextAfter?: string
}

export function searchRecords(
  records: readonly CrmRecord[],
  query: SearchQuery,
  definitions: ReadonlyMap<string, PropertyDefinition>,
  searchable: readonly string[],
): SearchPage {
  if (query.limit > SEARCH_MAX_LIMIT || query.limit < 0) {
    throw new EmulatorError('validation', `limit must be between 0 and ${SEARCH_MAX_LIMIT}; it was ${query.limit}`)
  }
  const offset = query.after === undefined ? 0 : Number(query.after)
  if (!Number.isInteger(offset) || offset < 0) throw new EmulatorError('validation', `after must be a paging cursor; it was ${query.after}`)
  if (offset >= SEARCH_RESULT_CAP) {
    throw new EmulatorError('validation', `Paging beyond ${SEARCH_RESULT_CAP} results is not supported: a search returns at most ${SEARCH_RESULT_CAP} results. Narrow the query with filters.`)
  }
  // Resolve every definition first so an unknown property fails even when nothing would match.
  const groups = query.filterGroups.map((g) => g.filters.map((f) => prepare(f, definition(definitions, f.propertyName))))
  const sorts = query.sorts.map((s) => ({ ...s, kind: kindOf(definition(definitions, s.propertyName)) }))
  const tokens = (query.query ?? '').trim().split(/\s+/).filter(Boolean)

  let hits = records.filter((record) => {
    if (groups.length > 0 && !groups.some((filters) => filters.every((f) => matches(record, f)))) return false
    return tokens.every((token) =>
      searchable.some((name) => {
        const v = record.properties[name]
        return v !== undefined && (tokenMatch(v, `${token}*`) || v.toLowerCase().includes(token.toLowerCase()))
      }),
    )
  })
  // Sort keys made comparable once per record, not once per comparison.
  const keyed = hits.map((record) => ({
    record,
    keys: sorts.map((sort) => {
      const v = record.properties[sort.propertyName]
      return v === undefined ? undefined : toComparable(sort.kind, v)
    }),
  }))
  keyed.sort((a, b) => {
    for (let i = 0; i < sorts.length; i++) {
      const sort = sorts[i] as (typeof sorts)[number]
      const av = a.keys[i]
      const bv = b.keys[i]
      // Unset values sort last in either direction (HubSpot's search index puts missing values last).
      if (av === undefined || bv === undefined) {
        const c = (av === undefined ? 1 : 0) - (bv === undefined ? 1 : 0)
        if (c !== 0) return c
        continue
      }
      const c = compare(av, bv)
      if (c !== 0) return sort.direction === 'DESCENDING' ? -c : c
    }
    return Number(a.record.id) - Number(b.record.id)
  })
  hits = keyed.map((k) => k.record)
  const results = hits.slice(offset, offset + query.limit)
  const next = offset + query.limit
  return { total: hits.length, results, ...(next < hits.length ? { nextAfter: String(next) } : {}) }
}
