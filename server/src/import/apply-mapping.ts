// Turns one source record into the raw shape validateCustomer reads ({ name, address: {...},
// contacts: [...] }) by following the mapping: columns, constants, defaults, transforms. It
// does not judge values; cleaning and the model's validation come next.
import { keyColumns, sourceColumns, type FieldSource, type Mapping, type TargetField, type Transform } from './mapping'
import type { RowIssue } from './row-issue'
import { lookup, scalarOf } from './source-path'
import type { SourceValue } from './source-record'
import { applyTransforms } from './transforms'

export interface MappedRecord {
  readonly input: Record<string, unknown>
  /** The record's stable key in its source system, when the mapping names one and it is set. */
  readonly key: string | undefined
  readonly issues: RowIssue[]
}

const COLLECTIONS = new Set<TargetField>(['contacts', 'deals', 'activities'])

export function applyMapping(fields: Readonly<Record<string, SourceValue>>, mapping: Mapping): MappedRecord {
  const input: Record<string, unknown> = {}
  const contact: Record<string, unknown> = {}
  const issues: RowIssue[] = []
  for (const [target, source] of Object.entries(mapping.fields) as Array<[TargetField, FieldSource]>) {
    const column = sourceColumns(source).join(' + ') || undefined
    const raw = readSource(fields, source, target)
    if (raw === undefined) continue
    const transformed = applyTransforms(raw, transformsOf(source))
    if (!transformed.ok) {
      issues.push({ field: target, column, value: raw, reason: transformed.reason })
      continue
    }
    const shaped = shape(target, transformed.value)
    if (!shaped.ok) {
      issues.push({ field: target, column, value: raw, reason: shaped.reason })
      continue
    }
    if (shaped.value === undefined) continue
    const [head, sub] = target.split('.') as [string, string | undefined]
    if (head === 'contact' && sub) contact[sub] = shaped.value
    else if (head === 'address' && sub) ((input['address'] ??= {}) as Record<string, unknown>)[sub] = shaped.value
    else input[target] = shaped.value
  }
  if (Object.keys(contact).length > 0) input['contacts'] = [...((input['contacts'] as unknown[] | undefined) ?? []), contact]
  return { input, key: readKey(fields, mapping), issues }
}

function readSource(fields: Readonly<Record<string, SourceValue>>, source: FieldSource, target: TargetField): unknown {
  const structured = target === 'tags' || COLLECTIONS.has(target)
  const read = (column: string) => (structured ? lookup(fields, column) : scalarOf(lookup(fields, column)))
  if (typeof source === 'string') return read(source)
  let value: unknown
  if (source.from !== undefined) {
    const columns = Array.isArray(source.from) ? source.from : [source.from]
    const values = columns.map(read).filter((v) => v !== undefined && v !== '')
    value = columns.length === 1 ? values[0] : values.length > 0 ? values.map(String).join(source.join) : undefined
  } else {
    value = source.value
  }
  if ((value === undefined || (typeof value === 'string' && value.trim() === '')) && source.default !== undefined) return source.default
  return value
}

const transformsOf = (source: FieldSource): Transform[] =>
  typeof source === 'string' || source.transform === undefined ? [] : Array.isArray(source.transform) ? source.transform : [source.transform]

type Shaped = { ok: true; value: unknown } | { ok: false; reason: string }

/** Puts a value into the form its field takes: lists for tags and collections, text for the rest. */
function shape(target: TargetField, value: unknown): Shaped {
  if (target === 'tags') {
    const v = unwrap(value)
    if (typeof v === 'string') {
      const trimmed = v.trim()
      if (trimmed.startsWith('[')) {
        const parsed = tryJson(trimmed)
        if (Array.isArray(parsed)) return { ok: true, value: parsed }
      }
      return { ok: true, value: v.split(/[,;]/) }
    }
    return { ok: true, value: Array.isArray(v) ? v.map((t) => scalarOf(t as SourceValue)) : v }
  }
  if (COLLECTIONS.has(target)) {
    let v = unwrap(value)
    if (typeof v === 'string') {
      if (v.trim() === '') return { ok: true, value: undefined }
      v = tryJson(v.trim())
      if (v === undefined) return { ok: false, reason: `${target} must be a JSON list` }
    }
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) v = [v]
    return { ok: true, value: Array.isArray(v) ? v.map(plainItem) : v }
  }
  return { ok: true, value }
}

/** XML wraps lists in an element: <tags><tag>a</tag><tag>b</tag></tags> reads as { tag: [a, b] }. */
function unwrap(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const keys = Object.keys(value).filter((k) => !k.startsWith('@') && k !== '#text')
  if (keys.length !== 1) return value
  const inner = (value as Record<string, unknown>)[keys[0]!]
  return Array.isArray(inner) ? inner : [inner]
}

/** An item of contacts/deals/activities from XML: attributes are fields like elements are. */
function plainItem(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(item)) {
    const key = k.startsWith('@') ? k.slice(1) : k
    out[key] = typeof v === 'object' && v !== null && !Array.isArray(v) && '#text' in v ? (v as Record<string, unknown>)['#text'] : v
  }
  return out
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return undefined
  }
}

function readKey(fields: Readonly<Record<string, SourceValue>>, mapping: Mapping): string | undefined {
  const columns = keyColumns(mapping)
  if (columns.length === 0) return undefined
  const parts = columns.map((c) => String(scalarOf(lookup(fields, c)) ?? '').trim())
  return parts.every((p) => p === '') ? undefined : parts.join('\u001f')
}
