// Generates a realistic back office (companies with their contacts and deals) and loads it
// into a store with HubSpot's default associations. Deterministic for a given seed.
import { intBetween, pick, seededRandom, type Random } from '../random'
import type { ChangeSource } from '../store/crm-record'
import type { CrmStore } from '../store/crm-store'
import { DEAL_STAGES } from '../store/property-definitions'
import * as words from './sample-data'

export interface SeedCompany {
  properties: Record<string, string>
  contacts: Array<Record<string, string>>
  deals: Array<Record<string, string>>
}

export interface SeedOptions {
  companies: number
  /** Same seed, same data. */
  seed?: number
  /** Base of deals' close dates (ms); defaults to now. */
  now?: number
}

const slug = (s: string): string => s.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().toLowerCase().replace(/[\s_]+/g, '-')

export function generateCompany(random: Random, index: number, now: number): SeedCompany {
  const base = `${pick(random, words.COMPANY_WORDS)} ${pick(random, words.COMPANY_SUFFIXES)}`
  const form = pick(random, words.LEGAL_FORMS)
  const name = form ? `${base} ${form}` : base
  const domain = `${slug(base)}${index > 0 ? `-${index}` : ''}.example`
  const place = pick(random, words.CITIES)
  const phone = () => `${place.phone} ${intBetween(random, 100, 999)} ${intBetween(random, 1000, 9999)}`
  const properties: Record<string, string> = {
    name,
    domain,
    website: `https://www.${domain}`,
    phone: phone(),
    industry: pick(random, words.INDUSTRIES),
    address: `${intBetween(random, 1, 250)} ${pick(random, words.STREETS)}`,
    city: place.city,
    state: place.state,
    zip: String(intBetween(random, 10000, 99999)),
    country: place.country,
    lifecyclestage: pick(random, words.LIFECYCLE_STAGES),
    numberofemployees: String(intBetween(random, 5, 5000)),
    annualrevenue: String(intBetween(random, 1, 500) * 100_000),
    description: `${pick(random, words.INDUSTRIES)} company based in ${place.city}.`,
  }
  const contacts = Array.from({ length: intBetween(random, 1, 4) }, (_, i) => {
    const firstname = pick(random, words.FIRST_NAMES)
    const lastname = pick(random, words.LAST_NAMES)
    return {
      firstname,
      lastname,
      email: `${slug(firstname)}.${slug(lastname)}${i > 0 ? i : ''}@${domain}`,
      phone: phone(),
      jobtitle: pick(random, words.JOB_TITLES),
      company: name,
    }
  })
  const deals = Array.from({ length: intBetween(random, 0, 3) }, () => ({
    dealname: `${base} – ${pick(random, words.PRODUCTS)}`,
    amount: String(intBetween(random, 5, 400) * 500),
    dealstage: pick(random, DEAL_STAGES),
    pipeline: 'default',
    closedate: new Date(now + intBetween(random, -60, 180) * 86_400_000).toISOString(),
    deal_currency_code: words.CURRENCIES[place.country] ?? 'EUR',
  }))
  return { properties, contacts, deals }
}

export function generateSeed(options: SeedOptions): SeedCompany[] {
  const random = seededRandom(options.seed ?? 1)
  const now = options.now ?? Date.now()
  return Array.from({ length: options.companies }, (_, i) => generateCompany(random, i, now))
}

export interface SeedResult {
  companies: number
  contacts: number
  deals: number
  companyIds: string[]
}

/** Creates the companies, contacts and deals with primary and default associations, in one transaction. */
export function applySeed(store: CrmStore, companies: readonly SeedCompany[], source: ChangeSource = 'IMPORT'): SeedResult {
  const ctx = { source }
  return store.transaction(() => {
    const result: SeedResult = { companies: 0, contacts: 0, deals: 0, companyIds: [] }
    for (const company of companies) {
      const created = store.create('companies', company.properties, ctx)
      result.companies++
      result.companyIds.push(created.id)
      const contactIds: string[] = []
      for (const contact of company.contacts) {
        // Emails are unique in HubSpot; skip a clash with an earlier seed rather than fail the seed.
        if (contact.email && store.findBy('contacts', 'email', contact.email)) continue
        const c = store.create('contacts', contact, ctx)
        store.associations.add('contacts', c.id, 'companies', created.id, [1, 279])
        contactIds.push(c.id)
        result.contacts++
      }
      for (const deal of company.deals) {
        const d = store.create('deals', deal, ctx)
        store.associations.add('deals', d.id, 'companies', created.id, [5, 341])
        if (contactIds[0]) store.associations.add('deals', d.id, 'contacts', contactIds[0], [3])
        result.deals++
      }
    }
    return result
  })
}
