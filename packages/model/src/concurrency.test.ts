import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addActivity } from './activities'
import { addContact, removeContact, updateContact } from './contacts'
import { createCustomer } from './create-customer'
import { editNotes } from './notes'
import { patchCustomer } from './patch-customer'
import { readCustomer } from './read-customer'
import { setCustomerField } from './set-customer-field'
import { replicaOf, syncDocs } from './test-helpers'

function twoReplicas() {
  const origin = new Y.Doc()
  const id = createCustomer(origin, {
    name: 'Acme GmbH', status: 'lead', email: 'info@acme.de', tags: ['a'],
    notes: 'The quick brown fox jumps over the lazy dog.',
    address: { city: 'Berlin', country: 'DE' },
  }, { by: 'alice' })
  return { a: replicaOf(origin), b: replicaOf(origin), id }
}

describe('concurrent edits converge', () => {
  it('keeps edits to different fields of one customer from both sides', () => {
    const { a, b, id } = twoReplicas()
    setCustomerField(a, id, 'status', 'customer')
    patchCustomer(a, id, { address: { city: 'Potsdam' } })
    setCustomerField(b, id, 'phone', '+493012345678')
    patchCustomer(b, id, { address: { street: 'Hauptstraße 1' }, email: 'sales@acme.de' })
    syncDocs(a, b)
    const merged = readCustomer(a, id)!
    expect(merged).toEqual(readCustomer(b, id))
    expect(merged).toMatchObject({
      status: 'customer', phone: '+493012345678', email: 'sales@acme.de',
      address: { city: 'Potsdam', street: 'Hauptstraße 1', country: 'DE' },
    })
  })

  it('resolves concurrent edits of the same field identically on both replicas', () => {
    const { a, b, id } = twoReplicas()
    setCustomerField(a, id, 'email', 'a@acme.de')
    setCustomerField(b, id, 'email', 'b@acme.de')
    syncDocs(a, b)
    const email = readCustomer(a, id)!.email
    expect(['a@acme.de', 'b@acme.de']).toContain(email)
    expect(readCustomer(b, id)!.email).toBe(email)
  })

  it('merges concurrent character edits and whole-text replacements of the notes', () => {
    const { a, b, id } = twoReplicas()
    // a types at the end; b replaces the whole text (as a form save or HTTP PATCH does).
    editNotes(a, id, 'The quick brown fox jumps over the lazy dog.'.length, 0, ' It barks.')
    patchCustomer(b, id, { notes: 'The quick red fox jumps over the lazy dog.' })
    syncDocs(a, b)
    expect(readCustomer(a, id)!.notes).toBe('The quick red fox jumps over the lazy dog. It barks.')
    expect(readCustomer(b, id)!.notes).toBe(readCustomer(a, id)!.notes)
  })

  it('keeps a tag added elsewhere while this replica replaces the list', () => {
    const { a, b, id } = twoReplicas()
    patchCustomer(a, id, { tags: ['a', 'vip'] })
    patchCustomer(b, id, { tags: ['a', 'north'] })
    syncDocs(a, b)
    expect(readCustomer(a, id)!.tags.sort()).toEqual(['a', 'north', 'vip'])
    expect(readCustomer(b, id)!.tags.sort()).toEqual(['a', 'north', 'vip'])
  })

  it('keeps contacts and activities added on both sides', () => {
    const { a, b, id } = twoReplicas()
    const ca = addContact(a, id, { firstName: 'Anna' })
    addContact(b, id, { firstName: 'Ben' })
    addActivity(a, id, { kind: 'call', text: 'from a', by: 'alice' })
    addActivity(b, id, { kind: 'visit', text: 'from b', by: 'bob' })
    syncDocs(a, b)
    updateContact(b, id, ca, { title: 'Buyer' })
    updateContact(a, id, ca, { email: 'anna@acme.de' })
    syncDocs(a, b)
    const merged = readCustomer(a, id)!
    expect(merged).toEqual(readCustomer(b, id))
    expect(merged.contacts.map((c) => c.firstName).sort()).toEqual(['Anna', 'Ben'])
    expect(merged.contacts.find((c) => c.id === ca)).toMatchObject({ title: 'Buyer', email: 'anna@acme.de' })
    expect(merged.activities.map((x) => x.text).sort()).toEqual(['from a', 'from b'])
  })

  it('a contact removed on one side and edited on the other stays removed everywhere', () => {
    const { a, b, id } = twoReplicas()
    const cid = addContact(a, id, { firstName: 'Anna' })
    syncDocs(a, b)
    removeContact(a, id, cid)
    updateContact(b, id, cid, { title: 'Buyer' })
    syncDocs(a, b)
    expect(readCustomer(a, id)!.contacts).toEqual([])
    expect(readCustomer(b, id)!.contacts).toEqual([])
  })

  it('converges when many replicas edit at random and sync in any order', () => {
    const { a, b, id } = twoReplicas()
    const c = replicaOf(a)
    const replicas = [a, b, c]
    const fields = ['industry', 'ownerId', 'email'] as const
    for (let i = 0; i < 60; i++) {
      const doc = replicas[i % 3]!
      setCustomerField(doc, id, fields[i % fields.length]!, `v${i}`)
      editNotes(doc, id, 0, 0, `${i};`)
      if (i % 7 === 0) syncDocs(replicas[i % 3]!, replicas[(i + 1) % 3]!)
    }
    syncDocs(a, b, c)
    expect(readCustomer(b, id)).toEqual(readCustomer(a, id))
    expect(readCustomer(c, id)).toEqual(readCustomer(a, id))
    for (let i = 0; i < 60; i++) expect(readCustomer(a, id)!.notes).toContain(`${i};`)
  })
})
