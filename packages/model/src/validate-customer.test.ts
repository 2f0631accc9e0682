import { describe, expect, it } from 'vitest'
import { validateCustomer } from './validate-customer'

const issuesOf = (input: unknown, opts = {}) => {
  const result = validateCustomer(input, opts)
  return result.ok ? [] : result.issues
}
const fieldsOf = (input: unknown, opts = {}) => issuesOf(input, opts).map((i) => i.field)

describe('validateCustomer', () => {
  it('trims, drops empty values and normalises everything it knows', () => {
    const result = validateCustomer({
      name: '  Müller GmbH ', status: 'Customer', email: ' Info@Mueller.DE ', phone: '030 12345678',
      website: 'mueller.de', industry: '', ownerId: ' alice ', notes: '  ', tags: 'vip; North ,, vip',
      address: { street: ' Hauptstraße 1 ', city: 'Berlin', postalCode: 10115, region: '', country: 'Germany' },
      archived: 'no', unknownColumn: 'ignored',
      contacts: [{ firstName: ' Anna ', email: 'ANNA@mueller.de', phone: '0151 23456789', title: '' }],
      deals: [{ name: 'Fleet', amount: '12000.50', currency: 'eur', closeDate: '2025-06-30T00:00:00Z' }],
      activities: [{ kind: 'Visit', text: 'Met Anna', at: '2025-01-02T10:00:00+01:00' }],
    })
    expect(result).toEqual({
      ok: true,
      value: {
        name: 'Müller GmbH', status: 'customer', email: 'info@mueller.de', phone: '+493012345678',
        website: 'https://mueller.de', ownerId: 'alice', tags: ['vip', 'North'], archived: false,
        address: { street: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
        contacts: [{ firstName: 'Anna', email: 'anna@mueller.de', phone: '+4915123456789' }],
        deals: [{ name: 'Fleet', amount: 12000.5, currency: 'EUR', closeDate: '2025-06-30' }],
        activities: [{ kind: 'visit', text: 'Met Anna', at: '2025-01-02T09:00:00.000Z' }],
      },
    })
  })

  it('accepts a minimal customer', () => {
    expect(validateCustomer({ name: 'X' })).toEqual({ ok: true, value: { name: 'X' } })
  })

  it('requires a name and an object', () => {
    expect(fieldsOf({})).toEqual(['name'])
    expect(fieldsOf({ name: '   ' })).toEqual(['name'])
    expect(fieldsOf({ name: { first: 'x' } })).toEqual(['name'])
    expect(fieldsOf(null)).toEqual([''])
    expect(fieldsOf([{ name: 'x' }])).toEqual([''])
  })

  it('reports one issue per bad field with dotted paths, keeping the raw value', () => {
    const issues = issuesOf({
      name: 'Acme', status: 'vip', email: 'not-an-email', phone: '12', website: 'ftp://acme.com',
      address: { country: 'Atlantis', city: ['x'] }, tags: [1], archived: 'maybe', createdAt: 'yesterday',
      contacts: [{ firstName: 'A', email: 'bad@' }, 'nope', { title: 'Buyer' }],
      deals: [{ amount: 'lots', currency: 'euro', closeDate: '2025-02-30' }],
      activities: [{ kind: 'fax', at: 'soon' }],
    }, { defaultRegion: 'DE' })
    expect(issues.map((i) => i.field)).toEqual([
      'status', 'email', 'website', 'address.city', 'address.country', 'phone', 'tags', 'archived', 'createdAt',
      'contacts.0.email', 'contacts.1', 'contacts.2',
      'deals.0.name', 'deals.0.amount', 'deals.0.currency', 'deals.0.closeDate',
      'activities.0.kind', 'activities.0.at',
    ])
    expect(issues.find((i) => i.field === 'email')).toEqual({ field: 'email', value: 'not-an-email', reason: 'email needs a name, an @ and a domain' })
    for (const issue of issues) expect(issue.reason).toBeTruthy()
  })

  it('reads local phone numbers in the address country, else the default region', () => {
    const ok = (input: unknown, opts = {}) => {
      const r = validateCustomer(input, opts)
      return r.ok ? r.value.phone : r.issues
    }
    expect(ok({ name: 'A', phone: '01 42 68 53 00', address: { country: 'France' } }, { defaultRegion: 'DE' })).toBe('+33142685300')
    expect(ok({ name: 'A', phone: '030 1234567' }, { defaultRegion: 'DE' })).toBe('+49301234567')
    expect(ok({ name: 'A', phone: '+1 212 234 5678' })).toBe('+12122345678')
    expect(fieldsOf({ name: 'A', phone: '030 1234567' })).toEqual(['phone'])
  })

  it('keeps identity fields when present', () => {
    const r = validateCustomer({ id: 'c1', name: 'A', createdAt: '2025-01-01T00:00:00Z', createdBy: 'bob' })
    expect(r).toEqual({ ok: true, value: { id: 'c1', name: 'A', createdAt: '2025-01-01T00:00:00.000Z', createdBy: 'bob' } })
  })
})
