// A short content hash of a record's mapped values, so full reconciles and the consistency
// figure compare one string per record instead of every field. The hashed text is the JSON of the
// non-empty [key, value] pairs sorted by key; hashes are stored, so that text must never change.
import { hash } from 'node:crypto'
import type { FieldMapping } from './field-map'

export function recordHash(values: Readonly<Record<string, string | null | undefined>>): string {
  return hashSorted(Object.keys(values).sort(), (k) => values[k])
}

/**
 * recordHash of the values `valueOf` gives for `keys`, which must be sorted and distinct: for
 * callers that read the values from somewhere else (a CRM record, a field map) without building
 * an object, filtering and sorting it first. The bridge hashes every record it looks at.
 */
export function hashSorted(keys: readonly string[], valueOf: (key: string) => string | null | undefined): string {
  const pairs: Array<[string, string]> = []
  for (const k of keys) {
    const v = valueOf(k)
    if (v !== null && v !== undefined && v !== '') pairs.push([k, v])
  }
  return hash('sha256', JSON.stringify(pairs), 'base64url').slice(0, 22)
}

const sortedCache = { field: new WeakMap<readonly FieldMapping[], readonly string[]>(), property: new WeakMap<readonly FieldMapping[], readonly string[]>() }

/** The book fields or CRM properties of a kind's mappings, sorted and distinct (cached per field map). */
export function mappedKeys(mappings: readonly FieldMapping[], side: 'field' | 'property'): readonly string[] {
  let keys = sortedCache[side].get(mappings)
  if (!keys) {
    keys = [...new Set(mappings.map((m) => m[side]))].sort()
    sortedCache[side].set(mappings, keys)
  }
  return keys
}
