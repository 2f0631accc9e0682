import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { customersMap } from './book'
import { createCustomer } from './create-customer'
import { createCustomerPatchSchema, customerPatchSchema } from './customer-patch-schema'
import { patchCustomer } from './patch-customer'
import { readCustomer } from './read-customer'
import { setCustomerField } from './set-customer-field'
import { countUpdates } from './test-helpers'

function seed() {
  const doc = new Y.Doc()
  const id = createCustomer(doc, {
    name: 'Acme GmbH', status: 'lead', email: 'info@acme.de', phone: '+493012345678',
    address: { street: 'Hauptstraße 1', city: 'Berlin', country: 'DE' },
    tags: ['a', 'b'], notes: 'line one\nline two',
  }, { by: 'alice' })
  return { doc, id }
}

describe('customerPatchSchema', () => {
  it('accepts any subset of the patchable fields and normalises values', () => {
    const patch = customerPatchSchema.parse({
      name: '  Acme AG ', email: ' Sales@ACME.de ', website: 'Acme.de', industry: '',
      address: { country: 'Germany', city: null, street: '' }, tags: [' x ', 'X', 'y', ''], notes: ' keep spaces ',
    })
    expect(patch).toEqual({
      name: 'Acme AG', email: 'sales@acme.de', website: 'https://acme.de', industry: null,
      address: { country: 'DE', city: null, street: null }, tags: ['x', 'y'], notes: ' keep spaces ',
    })
  })

  it('rejects unknown keys and identity fields', () => {
    for (const bad of [{ foo: 1 }, { id: 'x' }, { createdAt: '2024-01-01' }, { createdBy: 'me' }, { address: { planet: 'Mars' } }]) {
      expect(customerPatchSchema.safeParse(bad).success).toBe(false)
    }
  })

  it('rejects bad values with the field path', () => {
    const result = customerPatchSchema.safeParse({ email: 'nope', status: 'vip', name: '' })
    expect(result.success).toBe(false)
    const paths = result.error!.issues.map((i) => i.path.join('.')).sort()
    expect(paths).toEqual(['email', 'name', 'status'])
  })

  it('reads a national phone number in the patch country or the default region', () => {
    expect(customerPatchSchema.safeParse({ phone: '030 1234567' }).success).toBe(false)
    expect(customerPatchSchema.parse({ phone: '030 1234567', address: { country: 'de' } }).phone).toBe('+49301234567')
    expect(createCustomerPatchSchema({ defaultRegion: 'FR' }).parse({ phone: '01 42 68 53 00' }).phone).toBe('+33142685300')
    expect(customerPatchSchema.parse({ phone: null }).phone).toBeNull()
  })
})

describe('patchCustomer', () => {
  it('applies scalars, address subfields, tags and notes in one update', () => {
    const { doc, id } = seed()
    const patch = customerPatchSchema.parse({
      status: 'customer', email: null, address: { city: 'Potsdam', street: '' }, tags: ['b', 'c'], notes: 'line one\nline 2',
    })
    expect(countUpdates(doc, () => expect(patchCustomer(doc, id, patch)).toBe(true))).toBe(1)
    const c = readCustomer(doc, id)!
    expect(c.status).toBe('customer')
    expect('email' in c).toBe(false)
    expect(c.address).toEqual({ city: 'Potsdam', country: 'DE' })
    expect(c.tags).toEqual(['b', 'c'])
    expect(c.notes).toBe('line one\nline 2')
  })

  it('a no-op patch creates no Yjs update', () => {
    const { doc, id } = seed()
    const same = customerPatchSchema.parse({
      name: 'Acme GmbH', status: 'lead', email: 'INFO@acme.de', website: null,
      address: { city: 'Berlin', region: null }, tags: ['a', 'b'], notes: 'line one\nline two', archived: false,
    })
    expect(countUpdates(doc, () => expect(patchCustomer(doc, id, same)).toBe(false))).toBe(0)
    expect(countUpdates(doc, () => patchCustomer(doc, id, {}))).toBe(0)
  })

  it('writes only the keys that change', () => {
    const { doc, id } = seed()
    const changed: string[] = []
    customersMap(doc).get(id)!.observe((e) => changed.push(...e.keysChanged))
    patchCustomer(doc, id, { name: 'Acme GmbH', status: 'prospect', email: 'info@acme.de' })
    expect(changed).toEqual(['status'])
  })

  it('address: null clears every address field but keeps the address map', () => {
    const { doc, id } = seed()
    const before = customersMap(doc).get(id)!.get('address')
    patchCustomer(doc, id, { address: null })
    expect(readCustomer(doc, id)!.address).toBeUndefined()
    expect(customersMap(doc).get(id)!.get('address')).toBe(before)
  })

  it('archived: null means not archived', () => {
    const { doc, id } = seed()
    patchCustomer(doc, id, { archived: true })
    expect(readCustomer(doc, id)!.archived).toBe(true)
    patchCustomer(doc, id, customerPatchSchema.parse({ archived: false }))
    expect(readCustomer(doc, id)!.archived).toBe(false)
  })

  it('throws customer-not-found for an unknown id', () => {
    expect(() => patchCustomer(new Y.Doc(), 'x', { name: 'n' })).toThrow(expect.objectContaining({ code: 'customer-not-found' }))
  })
})

describe('setCustomerField', () => {
  it('sets, skips no-ops and deletes on undefined, null or empty string', () => {
    const { doc, id } = seed()
    expect(countUpdates(doc, () => setCustomerField(doc, id, 'industry', 'Retail'))).toBe(1)
    expect(countUpdates(doc, () => setCustomerField(doc, id, 'industry', 'Retail'))).toBe(0)
    for (const blank of [undefined, null, ''] as const) {
      setCustomerField(doc, id, 'industry', 'Retail')
      setCustomerField(doc, id, 'industry', blank)
      expect(customersMap(doc).get(id)!.has('industry')).toBe(false)
    }
  })

  it('refuses to clear the name or store a wrong type', () => {
    const { doc, id } = seed()
    expect(() => setCustomerField(doc, id, 'name', '')).toThrow(expect.objectContaining({ code: 'invalid-input' }))
    expect(() => setCustomerField(doc, id, 'status', 'vip' as never)).toThrow(expect.objectContaining({ code: 'invalid-input' }))
    expect(() => setCustomerField(doc, id, 'archived', 'yes' as never)).toThrow(expect.objectContaining({ code: 'invalid-input' }))
  })
})
