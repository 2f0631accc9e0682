import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createCustomer } from './create-customer'
import { customerSchema } from './customer-schema'
import { makeDemoCustomers } from './demo-customers'
import { readCustomers } from './read-customer'
import { validateCustomer } from './validate-customer'

describe('makeDemoCustomers', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(makeDemoCustomers(50, { seed: 42 })).toEqual(makeDemoCustomers(50, { seed: 42 }))
    expect(makeDemoCustomers(50, { seed: 42 })).not.toEqual(makeDemoCustomers(50, { seed: 43 }))
    // A longer run starts with the shorter one.
    expect(makeDemoCustomers(100, { seed: 42 }).slice(0, 50)).toEqual(makeDemoCustomers(50, { seed: 42 }))
  })

  it('produces customers that pass validateCustomer unchanged', () => {
    for (const customer of makeDemoCustomers(2000, { seed: 7 })) {
      const result = validateCustomer(customer)
      if (!result.ok) throw new Error(`${customer.name}: ${JSON.stringify(result.issues)}`)
      expect(result.value).toEqual(customer)
    }
  })

  it('looks like a real territory: several countries, varied sizes, unique names', () => {
    const customers = makeDemoCustomers(1000, { seed: 1 })
    expect(new Set(customers.map((c) => c.address?.country)).size).toBeGreaterThanOrEqual(6)
    expect(new Set(customers.map((c) => c.name)).size).toBe(customers.length)
    for (const c of customers) {
      expect((c.contacts ?? []).length).toBeLessThanOrEqual(3)
      expect((c.deals ?? []).length).toBeLessThanOrEqual(2)
    }
    expect(customers.some((c) => (c.contacts ?? []).length === 3)).toBe(true)
    expect(customers.some((c) => (c.deals ?? []).length === 2)).toBe(true)
    expect(customers.some((c) => (c.activities ?? []).length > 0)).toBe(true)
    expect(customers.some((c) => (c.notes ?? '').includes('\n'))).toBe(true)
  })

  it('spreads ownership across the given owners', () => {
    const owners = new Set(makeDemoCustomers(200, { owners: ['alice', 'bob', 'carol'] }).map((c) => c.ownerId))
    expect(owners).toEqual(new Set(['alice', 'bob', 'carol']))
    expect(new Set(makeDemoCustomers(20, { by: 'dave' }).map((c) => c.ownerId))).toEqual(new Set(['dave']))
  })

  it('round-trips through a book into valid plain customers', () => {
    const doc = new Y.Doc()
    for (const c of makeDemoCustomers(200, { seed: 3 })) createCustomer(doc, c, { by: 'demo' })
    const read = readCustomers(doc, { includeArchived: true })
    expect(read).toHaveLength(200)
    for (const c of read) expect(customerSchema.safeParse(c).success).toBe(true)
  })

  it('generates 10,000 customers well under a second', () => {
    makeDemoCustomers(1000) // warm up
    const start = performance.now()
    expect(makeDemoCustomers(10_000, { seed: 9 })).toHaveLength(10_000)
    expect(performance.now() - start).toBeLessThan(500)
  })
})
