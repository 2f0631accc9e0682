// Beyond one company field: contacts and deals both ways (associated with their company),
// archiving both ways, and the "needs attention" list for records that fail validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addDeal, archiveCustomer, readCustomer, removeContact, setCustomerField } from '@crm-sync/model'
import { eventually, startBridgeRig, type BridgeRig } from './bridge-test-kit'
import type { ProviderClient } from '../testing/ws-clients'

describe('bridge records', () => {
  let rig: BridgeRig
  let alice: ProviderClient
  let ids: string[]
  const company = (id: string) => rig.crm.store.findBy('companies', 'crdt_record_id', id)

  beforeAll(async () => {
    rig = await startBridgeRig()
    await rig.settle()
    alice = await rig.client('north-territory', 'alice')
    ids = [...alice.doc.getMap('customers').keys()] as string[]
  })
  afterAll(async () => {
    await rig?.dispose()
  })

  it('holds back a record that fails validation, lists it, and carries on with the rest', async () => {
    const [bad, good] = ids as [string, string]
    const before = company(bad)!.properties['crdt_email']
    // Any Yjs program may write a book: this one writes an email the model would refuse.
    ;(alice.doc.getMap('customers').get(bad) as Y.Map<unknown>).set('email', 'not-an-email')
    setCustomerField(alice.doc, bad, 'industry', 'Held back')
    setCustomerField(alice.doc, good, 'industry', 'Goes through')
    await eventually(() => company(good)?.properties['industry'] === 'Goes through', 10_000, 'the good record')
    await rig.settle()
    expect(company(bad)!.properties['crdt_email']).toBe(before)
    expect(company(bad)!.properties['industry']).not.toBe('Held back')
    const res = await fetch(`${rig.server.url}/api/books/north-territory/attention`, { headers: { authorization: `Bearer ${await rig.server.token('alice')}` } })
    const { records } = (await res.json()) as { records: Array<{ record: { id: string }; issues: Array<{ field: string; reason: string }> }> }
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({ record: { id: bad, kind: 'company' }, issues: [{ field: 'email' }] })

    setCustomerField(alice.doc, bad, 'email', 'sales@example.com')
    await eventually(() => company(bad)?.properties['crdt_email'] === 'sales@example.com', 10_000, 'the fixed record')
    expect(company(bad)!.properties['industry']).toBe('Held back')
    await rig.settle()
    const after = await fetch(`${rig.server.url}/api/books/north-territory/attention`, { headers: { authorization: `Bearer ${await rig.server.token('alice')}` } })
    expect(((await after.json()) as { records: unknown[] }).records).toHaveLength(0)
  })

  it('syncs contacts and deals both ways, associated with their company', async () => {
    const id = ids[2] as string
    const crmCompany = company(id)!
    // CRM → book: a new contact under the company, a deal stage moved on.
    const contact = rig.crm.store.create('contacts', { firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.com' }, { source: 'CRM_UI' })
    rig.crm.store.associations.add('contacts', contact.id, 'companies', crmCompany.id, [1, 279])
    rig.service().requestPull()
    await eventually(() => readCustomer(alice.doc, id)!.contacts.some((k) => k.email === 'grace@example.com'), 10_000, 'the CRM contact in the book')
    // Book → CRM: a new deal is created and associated; a removed contact is archived.
    const dealId = addDeal(alice.doc, id, { name: 'Big order', amount: 12_500, currency: 'EUR', stage: 'qualifiedtobuy', closeDate: '2026-03-31' })
    await eventually(() => !!rig.crm.store.findBy('deals', 'crdt_record_id', dealId), 10_000, 'the deal in the CRM')
    const deal = rig.crm.store.findBy('deals', 'crdt_record_id', dealId)!
    expect(deal.properties).toMatchObject({ dealname: 'Big order', amount: '12500', dealstage: 'qualifiedtobuy', deal_currency_code: 'EUR' })
    expect(rig.crm.store.associations.of('deals', deal.id, 'companies').map((a) => a.toId)).toEqual([crmCompany.id])
    rig.crm.store.update('deals', deal.id, { dealstage: 'closedwon' }, { source: 'CRM_UI' })
    await eventually(() => readCustomer(alice.doc, id)!.deals.find((d) => d.id === dealId)?.stage === 'closedwon', 10_000, 'the deal stage in the book')

    const grace = readCustomer(alice.doc, id)!.contacts.find((k) => k.email === 'grace@example.com')!
    removeContact(alice.doc, id, grace.id)
    await eventually(() => rig.crm.store.get('contacts', contact.id) === undefined, 10_000, 'the contact archived in the CRM')
    expect(rig.crm.store.get('contacts', contact.id, true)?.archived).toBe(true)
  })

  it('archives both ways; un-archiving in the book brings the company back', async () => {
    const [, , , inBook, inCrm] = ids as [string, string, string, string, string]
    archiveCustomer(alice.doc, inBook)
    const crmId = company(inBook)!.id
    await eventually(() => rig.crm.store.get('companies', crmId) === undefined, 10_000, 'archived in the CRM')

    rig.crm.store.archive('companies', company(inCrm)!.id, { source: 'CRM_UI' })
    await eventually(() => readCustomer(alice.doc, inCrm)!.archived, 10_000, 'archived in the book')

    archiveCustomer(alice.doc, inCrm, false)
    await eventually(() => company(inCrm) !== undefined, 10_000, 'back in the CRM')
    expect(company(inCrm)!.properties['name']).toBe(readCustomer(alice.doc, inCrm)!.name)
    await rig.settle()
    expect(readCustomer(alice.doc, inCrm)!.archived).toBe(false)
    expect(rig.companiesByRecordId().has(inBook)).toBe(false)
    expect((await rig.service().status()).consistency.ratio).toBe(1)
  })
})
