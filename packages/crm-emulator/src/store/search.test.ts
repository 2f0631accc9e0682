// The 10,000-result cap of search on a store that really holds more than 10,000 matches.
import { describe, expect, it } from 'vitest'
import type { CrmRecord } from './crm-record'
import { builtinProperties } from './property-definitions'
import { searchRecords } from './search'

const defs = new Map(builtinProperties('companies', '2024-01-01T00:00:00.000Z').map((p) => [p.name, p]))
const records: CrmRecord[] = Array.from({ length: 10_050 }, (_, i) => ({
  id: String(i + 1), type: 'companies', properties: { hs_object_id: String(i + 1), name: `C${i}` },
  createdAt: '', updatedAt: '', archived: false,
}))

describe('searchRecords and the 10,000-result cap', () => {
  it('reports the real total but lets no page start at or beyond 10,000', () => {
    const last = searchRecords(records, { filterGroups: [], sorts: [], limit: 200, after: '9800' }, defs, ['name'])
    expect(last.total).toBe(10_050)
    expect(last.results).toHaveLength(200)
    expect(last.nextAfter).toBe('10000')
    expect(() => searchRecords(records, { filterGroups: [], sorts: [], limit: 200, after: last.nextAfter }, defs, ['name'])).toThrow(/10000/)
  })
})
