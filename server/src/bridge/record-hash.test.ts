// Stored hashes (bookHash, crmHash) were made by the first implementation: the faster one must
// give the same string for every input, or every record would look changed after an upgrade.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DEFAULT_FIELD_MAP } from './field-map'
import type { CrmObject } from './crm-adapter'
import type { ReconcileDeps } from './reconcile-deps'
import { crmHashOf, sameCrmContent } from './reconciler'
import { hashSorted, mappedKeys, recordHash } from './record-hash'

/** The original recordHash, kept as the reference. */
const reference = (values: Readonly<Record<string, string | null | undefined>>): string => {
  const entries = Object.entries(values)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 22)
}

const samples: Array<Record<string, string | null | undefined>> = [
  {},
  { a: null, b: undefined, c: '' },
  { name: 'Acme', city: 'Berlin', zip: '10115' },
  { zip: '1', Zip: '2', 'address.city': 'Köln', '10': 'ten', '2': 'two', _x: 'u' },
  { notes: 'line 1\nline "2"\t\\ \u0000 \u2028 😀 \ud800', phone: '+4930123456' },
  { tags: 'a;b;c', description: '</script>', 'é': 'accent', 'z': ' ' },
]

describe('recordHash', () => {
  it('gives the same hash as the original implementation', () => {
    for (const s of samples) expect(recordHash(s)).toBe(reference(s))
  })

  it('hashSorted over a field map gives the hash of the same values as an object', () => {
    const fields = DEFAULT_FIELD_MAP.company
    const crm: Record<string, string> = { name: 'Acme', phone: '+4930123456', city: 'Berlin', crdt_tags: 'x;y', description: 'n' }
    const props = mappedKeys(fields, 'property')
    expect(hashSorted(props, (p) => crm[p])).toBe(reference(Object.fromEntries(fields.map((m) => [m.property, crm[m.property] ?? null]))))
    const book: Record<string, string | null> = { name: 'Acme', 'address.city': 'Berlin', tags: null, notes: 'n' }
    expect(hashSorted(mappedKeys(fields, 'field'), (f) => book[f])).toBe(reference(Object.fromEntries(fields.map((m) => [m.field, book[m.field] ?? null]))))
  })

  it('keeps fields and properties of one map apart', () => {
    const fields = DEFAULT_FIELD_MAP.company
    expect(mappedKeys(fields, 'field')).toContain('address.city')
    expect(mappedKeys(fields, 'property')).toContain('city')
    expect(mappedKeys(fields, 'property')).not.toContain('address.city')
  })
})

describe('sameCrmContent', () => {
  const deps = { map: DEFAULT_FIELD_MAP } as unknown as ReconcileDeps
  const obj = (properties: Record<string, string>): CrmObject => ({ id: '1', properties, modifiedAt: 1, archived: false })
  const read = obj({ name: 'Acme', city: 'Berlin', hs_lastmodifieddate: '1' })

  it('is true exactly when the mapped properties agree, so the hash of either serves', () => {
    const claimed = obj({ name: 'Acme', city: 'Berlin', crdt_record_id: 'r1', crdt_book_id: 'b1', hs_lastmodifieddate: '2' })
    expect(sameCrmContent(deps, 'company', claimed, read)).toBe(true)
    expect(crmHashOf(deps, 'company', claimed)).toBe(crmHashOf(deps, 'company', read))
    const edited = obj({ name: 'Acme', city: 'Bonn' })
    expect(sameCrmContent(deps, 'company', edited, read)).toBe(false)
    expect(sameCrmContent(deps, 'company', obj({ name: 'Acme' }), read)).toBe(false)
    expect(sameCrmContent(deps, 'company', read, null)).toBe(false)
  })
})
