import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addActivity } from './activities'
import { addContact, removeContact, updateContact } from './contacts'
import { createCustomer } from './create-customer'
import { addDeal, removeDeal, updateDeal } from './deals'
import { ContactNotFoundError, CustomerNotFoundError, DealNotFoundError, isModelError } from './model-error'
import { editNotes } from './notes'
import { readCustomer } from './read-customer'
import { countUpdates } from './test-helpers'

function seed() {
  const doc = new Y.Doc()
  return { doc, id: createCustomer(doc, { name: 'Acme', notes: 'hello' }, { by: 'alice' }) }
}

describe('contacts', () => {
  it('adds, updates (partial; null clears) and removes', () => {
    const { doc, id } = seed()
    const cid = addContact(doc, id, { firstName: 'Anna', lastName: 'Schmidt', email: 'anna@acme.de' })
    updateContact(doc, id, cid, { title: 'Buyer', email: null, lastName: undefined })
    expect(readCustomer(doc, id)!.contacts).toEqual([{ id: cid, firstName: 'Anna', lastName: 'Schmidt', title: 'Buyer' }])
    expect(countUpdates(doc, () => updateContact(doc, id, cid, { title: 'Buyer' }))).toBe(0)
    expect(removeContact(doc, id, cid)).toBe(true)
    expect(removeContact(doc, id, cid)).toBe(false)
    expect(readCustomer(doc, id)!.contacts).toEqual([])
  })

  it('keeps a given id and sorts contacts by id', () => {
    const { doc, id } = seed()
    addContact(doc, id, { id: 'z', firstName: 'Zoe' })
    addContact(doc, id, { id: 'b', firstName: 'Ben' })
    expect(readCustomer(doc, id)!.contacts.map((c) => c.id)).toEqual(['b', 'z'])
  })

  it('throws typed errors for unknown customers and contacts', () => {
    const { doc, id } = seed()
    expect(() => addContact(doc, 'nope', { firstName: 'A' })).toThrow(CustomerNotFoundError)
    expect(() => updateContact(doc, id, 'nope', { title: 'x' })).toThrow(ContactNotFoundError)
  })
})

describe('deals', () => {
  it('stores amount as a number and supports partial updates', () => {
    const { doc, id } = seed()
    const did = addDeal(doc, id, { name: 'Fleet renewal', amount: 25000.5, currency: 'EUR' })
    updateDeal(doc, id, did, { stage: 'contractsent', amount: 30000, currency: null })
    expect(readCustomer(doc, id)!.deals).toEqual([{ id: did, name: 'Fleet renewal', amount: 30000, stage: 'contractsent' }])
    expect(removeDeal(doc, id, did)).toBe(true)
    expect(readCustomer(doc, id)!.deals).toEqual([])
  })

  it('rejects a nameless deal, a non-finite amount and unknown deals', () => {
    const { doc, id } = seed()
    const did = addDeal(doc, id, { name: 'X' })
    expect(() => addDeal(doc, id, { name: '' })).toThrow(expect.objectContaining({ code: 'invalid-input' }))
    expect(() => updateDeal(doc, id, did, { name: null })).toThrow(expect.objectContaining({ code: 'invalid-input' }))
    expect(() => updateDeal(doc, id, did, { amount: Number.NaN })).toThrow(expect.objectContaining({ code: 'invalid-input' }))
    expect(() => updateDeal(doc, id, 'nope', { stage: 'x' })).toThrow(DealNotFoundError)
  })
})

describe('activities', () => {
  it('appends in order and defaults the time to now', () => {
    const { doc, id } = seed()
    const before = Date.now()
    const first = addActivity(doc, id, { kind: 'call', text: 'Called', by: 'alice' })
    addActivity(doc, id, { kind: 'visit', text: 'Visited', by: 'bob', at: '2025-01-01T10:00:00.000Z', id: 'v1' })
    const activities = readCustomer(doc, id)!.activities
    expect(activities.map((a) => a.id)).toEqual([first, 'v1'])
    expect(Date.parse(activities[0]!.at)).toBeGreaterThanOrEqual(before)
    expect(activities[1]).toEqual({ id: 'v1', kind: 'visit', text: 'Visited', by: 'bob', at: '2025-01-01T10:00:00.000Z' })
  })

  it('rejects an unknown kind', () => {
    const { doc, id } = seed()
    expect(() => addActivity(doc, id, { kind: 'fax' as never, text: '', by: 'a' })).toThrow(expect.objectContaining({ code: 'invalid-input' }))
  })
})

describe('editNotes', () => {
  it('splices the text', () => {
    const { doc, id } = seed()
    editNotes(doc, id, 5, 0, ' world')
    editNotes(doc, id, 0, 1, 'H')
    expect(readCustomer(doc, id)!.notes).toBe('Hello world')
  })

  it('rejects out-of-range edits', () => {
    const { doc, id } = seed()
    for (const [index, del] of [[-1, 0], [6, 0], [3, 5], [1.5, 0]] as const) {
      try {
        editNotes(doc, id, index, del, 'x')
        expect.unreachable()
      } catch (e) {
        expect(isModelError(e, 'invalid-input')).toBe(true)
      }
    }
    expect(readCustomer(doc, id)!.notes).toBe('hello')
  })
})
