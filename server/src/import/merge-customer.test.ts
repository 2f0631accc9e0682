// Merging an imported row into an existing customer: fill what is empty, replace only with
// overwrite, match contacts and deals by id or by email / name, never duplicate activities.
import { describe, expect, it } from 'vitest'
import type { Customer } from '@crm-sync/model'
import { planMerge } from './merge-customer'

const existing: Customer = {
  id: 'c1', name: 'Acme', email: 'info@acme.example', status: 'lead', address: { city: 'Berlin' },
  tags: ['b2b'], notes: '', archived: false,
  contacts: [{ id: 'k1', firstName: 'Ann', lastName: 'Lee', email: 'ann@acme.example' }],
  deals: [{ id: 'd1', name: 'Renewal', amount: 100 }],
  activities: [{ id: 'a1', kind: 'call', at: '2024-01-01T10:00:00.000Z', by: 'alice', text: 'hello' }],
}

describe('planMerge', () => {
  it('fills empty fields and leaves set ones alone', () => {
    const plan = planMerge(existing, { name: 'ACME Corp', email: 'other@acme.example', phone: '+4930901820', status: 'customer', address: { city: 'Munich', country: 'DE' }, notes: 'new note' }, false)
    expect(plan.patch).toEqual({ phone: '+4930901820', address: { country: 'DE' }, notes: 'new note' })
    expect(plan.changedFields).toEqual(['phone', 'address.country', 'notes'])
  })

  it('replaces set fields with overwrite', () => {
    const plan = planMerge(existing, { name: 'ACME Corp', status: 'customer', archived: true, address: { city: 'Munich' }, tags: ['vip'] }, true)
    expect(plan.patch).toEqual({ name: 'ACME Corp', status: 'customer', archived: true, address: { city: 'Munich' }, tags: ['vip'] })
  })

  it('adds new tags without overwrite, case-insensitively', () => {
    expect(planMerge(existing, { name: 'Acme', tags: ['B2B', 'vip'] }, false).patch).toEqual({ tags: ['b2b', 'vip'] })
  })

  it('matches contacts and deals, fills them, and adds the rest', () => {
    const plan = planMerge(existing, {
      name: 'Acme',
      contacts: [{ id: 'x1', email: 'ann@acme.example', title: 'CEO' }, { id: 'x2', firstName: 'Bo' }],
      deals: [{ id: 'y1', name: 'renewal', stage: 'won' }],
    }, false)
    expect(plan.updateContacts).toEqual([{ id: 'k1', fields: { title: 'CEO' } }])
    expect(plan.addContacts).toEqual([{ id: 'x2', firstName: 'Bo' }])
    expect(plan.updateDeals).toEqual([{ id: 'd1', fields: { stage: 'won' } }])
    expect(plan.addDeals).toEqual([])
  })

  it('adds an activity only once', () => {
    const same = { id: 'zz', kind: 'call' as const, text: 'hello', at: '2024-01-01T10:00:00.000Z' }
    expect(planMerge(existing, { name: 'Acme', activities: [same] }, false).addActivities).toEqual([])
    expect(planMerge(existing, { name: 'Acme', activities: [{ ...same, text: 'bye' }] }, false).addActivities).toHaveLength(1)
  })

  it('is empty when the row says nothing new', () => {
    const plan = planMerge(existing, { name: 'Acme', email: 'info@acme.example', tags: ['b2b'], contacts: [{ id: 'k1', firstName: 'Ann' }] }, false)
    expect(plan.changedFields).toEqual([])
    expect(planMerge(existing, { name: 'Acme', email: 'info@acme.example' }, true).changedFields).toEqual([])
  })
})
