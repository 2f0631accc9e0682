// Finding a mapped column in a record: a CSV column name as is ("address.city" included), or a
// dotted path into JSON and XML records, where "@id" is an attribute and a plain "id" finds
// the attribute too when there is no element of that name.
import type { SourceValue } from './source-record'

export function lookup(fields: Readonly<Record<string, SourceValue>>, path: string): SourceValue | undefined {
  if (path in fields) return fields[path]
  let current: SourceValue | undefined = fields
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) current = current[0]
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined
    current = current[segment] ?? current[`@${segment}`]
  }
  return current
}

/** A scalar's text: an element with attributes keeps it under "#text"; of a list, the first. */
export function scalarOf(v: SourceValue | undefined): string | number | boolean | undefined {
  if (Array.isArray(v)) return scalarOf(v[0])
  if (typeof v === 'object' && v !== null) return '#text' in v ? scalarOf(v['#text']) : undefined
  return v
}

/**
 * Every path in a sample of records, for the suggested mapping and the missing-columns check
 * of JSON and XML. Lists and the known collections (tags, contacts, ...) are leaves.
 */
export function pathsOf(records: ReadonlyArray<Readonly<Record<string, SourceValue>>>, leaves: ReadonlySet<string>): string[] {
  const seen = new Set<string>()
  const walk = (value: SourceValue, path: string) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || leaves.has(path.replace(/@/g, ''))) {
      seen.add(path)
      return
    }
    const keys = Object.keys(value).filter((k) => k !== '#text')
    if (keys.length === 0 || '#text' in value) seen.add(path)
    for (const k of keys) walk(value[k]!, path === '' ? k : `${path}.${k}`)
  }
  for (const r of records) for (const [k, v] of Object.entries(r)) walk(v, k)
  return [...seen]
}
