// The per-field three-way merge: one side changed, both sides changed, new records, notes.
import { describe, expect, it } from 'vitest'
import { DEFAULT_FIELD_MAP } from './field-map'
import { mergeRecord, type MergeInput } from './record-merge'

const fields = DEFAULT_FIELD_MAP.company
const base = {
  name: { book: 'Acme', crm: 'Acme' },
  status: { book: 'lead', crm: 'marketingqualifiedlead' },
  industry: { book: 'Retail', crm: 'Retail' },
  notes: { book: 'Call on Mondays.', crm: 'Call on Mondays.' },
}
const input = (over: Partial<MergeInput>): MergeInput => ({
  fields,
  base,
  book: { name: 'Acme', status: 'lead', industry: 'Retail', notes: 'Call on Mondays.' },
  crm: { name: 'Acme', lifecyclestage: 'marketingqualifiedlead', industry: 'Retail', description: 'Call on Mondays.' },
  bookChange: () => ({ at: 1000, by: 'alice' }),
  crmChange: { at: 2000, by: 'crm' },
  ...over,
})

describe('mergeRecord', () => {
  it('no change on either side: nothing to write, even where a transform is lossy', () => {
    const r = mergeRecord(input({}))
    expect(r.bookPatch).toEqual({})
    expect(r.crmPatch).toEqual({})
    expect(r.agreed['status']).toEqual({ book: 'lead', crm: 'marketingqualifiedlead' })
  })

  it('different fields changed on the two sides: both survive', () => {
    const r = mergeRecord(input({
      book: { name: 'Acme GmbH', status: 'lead', industry: 'Retail', notes: 'Call on Mondays.' },
      crm: { name: 'Acme', lifecyclestage: 'marketingqualifiedlead', industry: 'Logistics', description: 'Call on Mondays.' },
    }))
    expect(r.crmPatch).toEqual({ name: 'Acme GmbH' })
    expect(r.bookPatch).toEqual({ industry: 'Logistics' })
    expect(r.conflicts).toEqual([])
  })

  it('same field changed on both: the later change wins and a conflict is recorded', () => {
    const r = mergeRecord(input({
      book: { name: 'Acme Book', status: 'lead', industry: 'Retail', notes: 'Call on Mondays.' },
      crm: { name: 'Acme Crm', lifecyclestage: 'marketingqualifiedlead', industry: 'Retail', description: 'Call on Mondays.' },
      bookChange: () => ({ at: 3000, by: 'alice' }),
    }))
    expect(r.crmPatch).toEqual({ name: 'Acme Book' })
    expect(r.conflicts).toMatchObject([{ field: 'name', winner: 'book', bookValue: 'Acme Book', crmValue: 'Acme Crm', book: { by: 'alice' } }])
  })

  it('notes edited on both sides are merged as text', () => {
    const r = mergeRecord(input({
      book: { name: 'Acme', status: 'lead', industry: 'Retail', notes: 'Call on Tuesdays.' },
      crm: { name: 'Acme', lifecyclestage: 'marketingqualifiedlead', industry: 'Retail', description: 'Call on Mondays. VIP' },
    }))
    expect(r.bookPatch['notes']).toBe('Call on Tuesdays. VIP')
    expect(r.crmPatch['description']).toBe('Call on Tuesdays. VIP')
    expect(r.conflicts).toEqual([])
  })

  it('a new book record pushes its values; a new CRM record pulls its values', () => {
    const pushed = mergeRecord(input({ base: null, crm: null }))
    expect(pushed.crmPatch).toMatchObject({ name: 'Acme', lifecyclestage: 'lead', industry: 'Retail' })
    const pulled = mergeRecord(input({ base: null, book: null }))
    expect(pulled.bookPatch).toMatchObject({ name: 'Acme', status: 'lead', industry: 'Retail' })
  })
})
