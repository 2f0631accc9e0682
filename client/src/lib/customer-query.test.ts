import { describe, expect, it } from 'vitest'
import { filterRows, makeMatcher, sortRows, type ListRow } from './customer-query'

const row = (over: Partial<ListRow> & { id: string; name: string }): ListRow => {
  const base = { status: null, email: '', phone: '', city: '', country: '', archived: false, createdAt: 0, lastChange: 0, ...over }
  return { ...base, haystack: `${base.name}\n${base.email}\n${base.phone}\n${base.city}`.toLowerCase(), phoneDigits: base.phone.replace(/\D/g, '') }
}

const rows = [
  row({ id: '1', name: 'Müller GmbH', city: 'Berlin', email: 'info@mueller.de', phone: '+49301234567', status: 'customer', lastChange: 5 }),
  row({ id: '2', name: 'acme Ltd', city: 'London', status: 'lead', lastChange: 9 }),
  row({ id: '3', name: 'Zeta SA', city: 'Paris', status: 'customer', archived: true, lastChange: 7 }),
  row({ id: '4', name: 'Beta BV', city: 'Berlin', phone: '+31201234567', status: 'prospect', lastChange: 1 }),
]

describe('customer list query', () => {
  it('matches every word against name, email, phone and city, ignoring case', () => {
    const names = (text: string) => filterRows(rows, { text, status: 'all', sort: 'name' }).map((r) => r.name)
    expect(names('berlin')).toEqual(['Müller GmbH', 'Beta BV'])
    expect(names('MUELLER')).toEqual(['Müller GmbH'])
    expect(names('berlin beta')).toEqual(['Beta BV'])
    expect(names('zeta')).toEqual([]) // archived
  })

  it('finds phone numbers typed the local way', () => {
    expect(makeMatcher('030 123 4567')(rows[0]!)).toBe(true)
    expect(makeMatcher('(030) 1234')(rows[0]!)).toBe(true)
    expect(makeMatcher('030 123 4567')(rows[3]!)).toBe(false)
  })

  it('filters by status, archived customers only under "archived"', () => {
    expect(filterRows(rows, { text: '', status: 'customer', sort: 'name' }).map((r) => r.id)).toEqual(['1'])
    expect(filterRows(rows, { text: '', status: 'archived', sort: 'name' }).map((r) => r.id)).toEqual(['3'])
  })

  it('sorts by name (locale aware, case-insensitive) or by last change, newest first', () => {
    expect(sortRows([...rows], 'name').map((r) => r.name)).toEqual(['acme Ltd', 'Beta BV', 'Müller GmbH', 'Zeta SA'])
    expect(sortRows([...rows], 'last-change').map((r) => r.id)).toEqual(['2', '3', '1', '4'])
  })
})
