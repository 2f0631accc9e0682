// Associations as the official SDK writes and reads them: on create, v4 basic (labelled and
// default, page, archive), v4 batch, and the v3 `associations` of reads.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AssociationSpecAssociationCategoryEnum as Category } from '@hubspot/api-client/lib/codegen/crm/associations/v4/models/AssociationSpec'
import { sdkError, startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'

let t: EmulatorFixture
let companyId: string
let contactId: string
let dealId: string
beforeEach(async () => {
  t = await startEmulator()
  companyId = (await t.client.crm.companies.basicApi.create({ properties: { name: 'Acme' }, associations: [] })).id
  contactId = (await t.client.crm.contacts.basicApi.create({ properties: { email: 'a@acme.example' }, associations: [] })).id
  dealId = (await t.client.crm.deals.basicApi.create({ properties: { dealname: 'Deal' }, associations: [] })).id
})
afterEach(() => t.stop())

describe('associations', () => {
  it('are written by create({associations}) and read from both sides', async () => {
    const contact = await t.client.crm.contacts.basicApi.create({
      properties: { email: 'b@acme.example' },
      associations: [{ to: { id: companyId }, types: [{ associationCategory: Category.HubspotDefined, associationTypeId: 279 }] }],
    })
    const company = await t.client.crm.companies.basicApi.getById(companyId, undefined, undefined, ['contacts'])
    expect(company.associations?.contacts?.results).toEqual([{ id: contact.id, type: 'company_to_contact_unlabeled' }])
    const back = await t.client.crm.contacts.basicApi.getById(contact.id, undefined, undefined, ['companies'])
    expect(back.associations?.companies?.results).toEqual([{ id: companyId, type: 'contact_to_company_unlabeled' }])
  })

  it('rejects a create whose association type or target is wrong, writing nothing', async () => {
    const wrongType = await sdkError(t.client.crm.contacts.basicApi.create({
      properties: { email: 'c@acme.example' },
      associations: [{ to: { id: companyId }, types: [{ associationCategory: Category.HubspotDefined, associationTypeId: 342 }] }],
    }))
    expect(wrongType.code).toBe(400)
    const missingTarget = await sdkError(t.client.crm.contacts.basicApi.create({
      properties: { email: 'c@acme.example' },
      associations: [{ to: { id: '424242' }, types: [{ associationCategory: Category.HubspotDefined, associationTypeId: 279 }] }],
    }))
    expect(missingTarget.code).toBe(400)
    expect(t.emulator.store.count('contacts')).toBe(1)
  })

  it('v4 basic: labelled create, default create, page and archive', async () => {
    const v4 = t.client.crm.associations.v4.basicApi
    const labels = await v4.create('contacts', contactId, 'companies', companyId, [{ associationCategory: Category.HubspotDefined, associationTypeId: 1 }])
    expect(labels).toMatchObject({ fromObjectTypeId: '0-1', fromObjectId: contactId, toObjectTypeId: '0-2', toObjectId: companyId, labels: ['Primary'] })
    const def = await v4.createDefault('deals', dealId, 'companies', companyId)
    expect(def.results.map((r) => r.associationSpec.associationTypeId).sort()).toEqual([341, 342])
    const page = await v4.getPage('companies', companyId, 'contacts')
    expect(page.results).toEqual([{ toObjectId: contactId, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 2, label: 'Primary' }] }])
    const deals = await v4.getPage('0-2', companyId, 'deal')
    expect(deals.results[0]?.toObjectId).toBe(dealId)
    await v4.archive('companies', companyId, 'contacts', contactId)
    expect((await v4.getPage('contacts', contactId, 'companies')).results).toEqual([])
    expect((await sdkError(v4.create('contacts', contactId, 'companies', '987654', [{ associationCategory: Category.HubspotDefined, associationTypeId: 1 }]))).code).toBe(404)
  })

  it('v4 batch: create, default, read (207 for unknown ids), labels archive and archive', async () => {
    const batch = t.client.crm.associations.v4.batchApi
    const created = await batch.create('deals', 'contacts', { inputs: [{ _from: { id: dealId }, to: { id: contactId }, types: [{ associationCategory: Category.HubspotDefined, associationTypeId: 3 }] }] })
    expect(created.results[0]).toMatchObject({ fromObjectId: dealId, toObjectId: contactId })
    await batch.createDefault('contacts', 'companies', { inputs: [{ _from: { id: contactId }, to: { id: companyId } }] })
    const read = await batch.getPage('contacts', 'companies', { inputs: [{ id: contactId }, { id: '777777' }] })
    expect(read.results[0]?._from.id).toBe(contactId)
    expect(read.results[0]?.to[0]?.associationTypes.map((a) => a.typeId)).toEqual([279])
    expect('numErrors' in read && read.numErrors).toBe(1)
    await batch.archiveLabels('contacts', 'companies', { inputs: [{ _from: { id: contactId }, to: { id: companyId }, types: [{ associationCategory: Category.HubspotDefined, associationTypeId: 279 }] }] })
    expect((await t.client.crm.associations.v4.basicApi.getPage('companies', companyId, 'contacts')).results).toEqual([])
    await batch.archive('deals', 'contacts', { inputs: [{ _from: { id: dealId }, to: [{ id: contactId }] }] })
    expect((await t.client.crm.associations.v4.basicApi.getPage('contacts', contactId, 'deals')).results).toEqual([])
  })

  it('hides associations to archived records', async () => {
    await t.client.crm.associations.v4.basicApi.createDefault('contacts', contactId, 'companies', companyId)
    await t.client.crm.contacts.basicApi.archive(contactId)
    const company = await t.client.crm.companies.basicApi.getById(companyId, undefined, undefined, ['contacts'])
    expect(company.associations).toBeUndefined()
  })
})
