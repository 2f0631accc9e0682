// Round trip both ways through the real relay, the emulator and the official SDK: a field edited
// in a book reaches the CRM; a field edited in the CRM reaches every connected client.
import { afterEach, describe, expect, it } from 'vitest'
import { setCustomerField, readCustomer } from '@crm-sync/model'
import { startTestServer } from '../testing/test-server'
import { customersOf, startBridgeRig, eventually, FAST_BRIDGE_ENV, type BridgeRig } from './bridge-test-kit'

describe('bridge round trip', () => {
  let rig: BridgeRig
  afterEach(async () => {
    await rig?.dispose()
  })

  it('pushes the demo books, then syncs edits both ways', async () => {
    rig = await startBridgeRig()
    await rig.settle()
    const companies = rig.companiesByRecordId()
    // Both demo books (36 + 24 customers) are in the CRM, once each, with their book named.
    expect(companies.size).toBe(60)
    const alice = await rig.client('north-territory', 'alice')
    const bob = await rig.client('north-territory', 'bob')
    const keys = await rig.client('key-accounts', 'bob')
    // Contacts and deals went along, each associated with its company.
    const bookContacts = [alice, keys].flatMap((c) => customersOf(c.doc).flatMap((x) => x.contacts))
    const bookDeals = [alice, keys].flatMap((c) => customersOf(c.doc).flatMap((x) => x.deals))
    const crmContacts = rig.crm.store.list('contacts').filter((r) => r.properties['crdt_record_id'])
    expect(crmContacts.map((r) => r.properties['crdt_record_id']).sort()).toEqual(bookContacts.map((k) => k.id).sort())
    expect(rig.crm.store.list('deals').filter((r) => r.properties['crdt_record_id'])).toHaveLength(bookDeals.length)
    const firstContact = crmContacts[0]!
    expect(rig.crm.store.associations.of('contacts', firstContact.id, 'companies')).toHaveLength(1)
    const [id] = [...alice.doc.getMap('customers').keys()]
    expect(companies.get(id!)?.['crdt_book_id']).toBe('north-territory')

    // Book → CRM
    setCustomerField(alice.doc, id!, 'industry', 'Robotics')
    await eventually(() => rig.companiesByRecordId().get(id!)?.['industry'] === 'Robotics', 10_000, 'industry in the CRM')

    // CRM → every connected client
    const company = rig.crm.store.findBy('companies', 'crdt_record_id', id!)!
    rig.crm.store.update('companies', company.id, { phone: '+44 20 7946 0958' }, { source: 'CRM_UI' })
    await eventually(() => readCustomer(alice.doc, id!)?.phone === '+442079460958' && readCustomer(bob.doc, id!)?.phone === '+442079460958', 10_000, 'phone in the books')

    // A company made in the CRM lands in the default book, once.
    const made = rig.crm.store.create('companies', { name: 'Office Made Ltd', city: 'Leeds' }, { source: 'CRM_UI' })
    await eventually(() => [...alice.doc.getMap('customers').keys()].some((k) => readCustomer(alice.doc, k)?.name === 'Office Made Ltd'), 10_000, 'new company in the book')
    await rig.settle()
    expect(rig.crm.store.get('companies', made.id)?.properties['crdt_book_id']).toBe('north-territory')
    expect(rig.crm.store.list('companies').filter((r) => r.properties['name'] === 'Office Made Ltd')).toHaveLength(1)
    const status = await rig.service().status()
    expect(status.consistency.ratio).toBe(1)
    expect(status.consistency.byKind.contact.linked).toBe(bookContacts.length)
  })

  it('runs inside the server with the embedded emulator (npm start defaults) and takes its webhooks', async () => {
    const server = await startTestServer({ BRIDGE_ENABLED: 'true', CRM_EMULATOR_PORT: '0', ...FAST_BRIDGE_ENV, BRIDGE_PULL_INTERVAL_MS: '600000' })
    try {
      const crm = server.crmEmulator!
      expect(crm).not.toBeNull()
      await eventually(() => crm.store.list('companies').filter((r) => r.properties['crdt_record_id']).length === 60, 20_000, 'demo books in the embedded CRM')
      // Pulls are an hour apart here: only the (signed, verified) webhook can bring this edit over.
      expect(crm.webhookRegistry.settings?.targetUrl).toBe(`${server.url}/api/crm/webhooks`)
      const target = crm.store.list('companies')[0]!
      crm.store.update('companies', target.id, { industry: 'Webhook delivered' }, { source: 'CRM_UI' })
      const id = target.properties['crdt_record_id']!
      const bookId = target.properties['crdt_book_id']!
      await eventually(async () => (await server.books.read(bookId, (doc) => readCustomer(doc, id)?.industry)) === 'Webhook delivered', 10_000, 'the webhook-triggered pull')
    } finally {
      await server.dispose()
    }
  })
})
