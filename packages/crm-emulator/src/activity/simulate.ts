// Back-office activity: N random edits as office staff would make them in HubSpot's UI
// (property edits, new companies and contacts, deal progress, archiving), with changeSource CRM_UI.
import { intBetween, pick, type Random } from '../random'
import type { CrmStore } from '../store/crm-store'
import type { ObjectType } from '../store/object-types'
import { DEAL_STAGES } from '../store/property-definitions'
import * as words from './sample-data'
import { generateCompany } from './seed'

export interface SimulatedEdit {
  kind: 'update' | 'create' | 'archive'
  objectType: ObjectType
  id: string
  properties?: Record<string, string>
}

const CRM_UI = { source: 'CRM_UI' } as const

type Edit = (store: CrmStore, random: Random, now: number) => SimulatedEdit | undefined

function updateRandom(type: ObjectType, change: (random: Random) => Record<string, string>): Edit {
  return (store, random) => {
    const records = store.list(type)
    if (records.length === 0) return undefined
    const record = pick(random, records)
    const properties = change(random)
    store.update(type, record.id, properties, CRM_UI)
    return { kind: 'update', objectType: type, id: record.id, properties }
  }
}

const EDITS: Array<[weight: number, edit: Edit]> = [
  [20, updateRandom('companies', (r) => ({ phone: `+1 555 ${intBetween(r, 100, 999)} ${intBetween(r, 1000, 9999)}` }))],
  [10, updateRandom('companies', (r) => ({ industry: pick(r, words.INDUSTRIES) }))],
  [10, updateRandom('companies', (r) => ({ lifecyclestage: pick(r, words.LIFECYCLE_STAGES) }))],
  [8, updateRandom('companies', (r) => {
    const place = pick(r, words.CITIES)
    return { city: place.city, state: place.state, country: place.country, address: `${intBetween(r, 1, 250)} ${pick(r, words.STREETS)}` }
  })],
  [5, updateRandom('companies', (r) => ({ numberofemployees: String(intBetween(r, 5, 5000)) }))],
  [10, updateRandom('contacts', (r) => ({ jobtitle: pick(r, words.JOB_TITLES) }))],
  [5, updateRandom('contacts', (r) => ({ phone: `+44 20 ${intBetween(r, 1000, 9999)} ${intBetween(r, 1000, 9999)}` }))],
  [10, updateRandom('deals', (r) => ({ dealstage: pick(r, DEAL_STAGES) }))],
  [5, updateRandom('deals', (r) => ({ amount: String(intBetween(r, 5, 400) * 500) }))],
  [8, (store, random, now) => {
    const company = generateCompany(random, intBetween(random, 1000, 9_999_999), now)
    const created = store.create('companies', company.properties, CRM_UI)
    const contact = company.contacts[0]
    if (contact && !store.findBy('contacts', 'email', contact.email ?? '')) {
      const c = store.create('contacts', contact, CRM_UI)
      store.associations.add('contacts', c.id, 'companies', created.id, [1, 279])
    }
    return { kind: 'create', objectType: 'companies', id: created.id, properties: company.properties }
  }],
  [4, (store, random) => {
    const deals = store.list('deals')
    if (deals.length === 0) return undefined
    const deal = pick(random, deals)
    store.archive('deals', deal.id, CRM_UI)
    return { kind: 'archive', objectType: 'deals', id: deal.id }
  }],
  [1, (store, random) => {
    const companies = store.list('companies')
    if (companies.length === 0) return undefined
    const company = pick(random, companies)
    store.archive('companies', company.id, CRM_UI)
    return { kind: 'archive', objectType: 'companies', id: company.id }
  }],
]
const TOTAL = EDITS.reduce((n, [w]) => n + w, 0)

export function simulateOfficeEdits(store: CrmStore, count: number, random: Random, now: number): SimulatedEdit[] {
  const done: SimulatedEdit[] = []
  for (let i = 0, tries = 0; done.length < count && tries < count * 5; tries++, i++) {
    let roll = random() * TOTAL
    const found = EDITS.find(([w]) => (roll -= w) < 0) ?? EDITS[0]
    const edit = found?.[1](store, random, now)
    if (edit) done.push(edit)
  }
  return done
}
