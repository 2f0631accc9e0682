// Realistic, deterministic field-sales customers for demo books, tests and benchmarks:
// the same seed (and `now`) always yields the same customers, and each passes validateCustomer.
import { CUSTOMER_STATUSES, type CustomerStatus, type NewActivity, type NewContact, type NewCustomer, type NewDeal } from './customer-schema'
import { CALLING_CODES, DEMO_MARKETS, type DemoCity, type DemoMarket } from './demo-markets'
import {
  ACTIVITY_TEXTS, DEAL_STAGES, FIRST_NAMES, JOB_TITLES, LAST_NAMES, NOTE_LINES, PRODUCTS, SECTORS, TAGS, WEEKDAYS,
} from './demo-words'
import { seededRandom, type Random } from './seeded-random'

export type DemoOptions = {
  seed?: number
  /** The user the customers are owned by and whose activities they show. */
  by?: string
  /** Several owners spread the customers across a team; overrides `by` for ownership. */
  owners?: readonly string[]
  /** Activity and deal dates are spread around this instant. Fixed by default, for determinism. */
  now?: Date
}

const DEFAULTS = { seed: 1, by: 'demo', now: new Date('2025-01-15T09:00:00.000Z') }
const DAY = 86_400_000
const STATUS_WEIGHTS: Readonly<Record<CustomerStatus, number>> = { lead: 0.3, prospect: 0.25, customer: 0.4, inactive: 0.05 }

export function makeDemoCustomers(count: number, opts: DemoOptions = {}): NewCustomer[] {
  const o = { ...DEFAULTS, ...opts }
  const owners = o.owners && o.owners.length > 0 ? o.owners : [o.by]
  const random = seededRandom(o.seed)
  const used = new Set<string>() // company names and domains already given out
  const out: NewCustomer[] = []
  for (let i = 0; i < count; i++) out.push(makeCustomer(random, used, random.pick(owners), o.now.getTime()))
  return out
}

function makeCustomer(r: Random, used: Set<string>, owner: string, now: number): NewCustomer {
  const market = r.pick(DEMO_MARKETS)
  const lang = market.language
  const place = r.pick(market.cities)
  const sector = r.pick(SECTORS)
  const founder = r.pick(LAST_NAMES[lang])
  const { name, domain } = uniqueCompany(r, used, market, founder, sector.words[lang], place.city)
  const people = Array.from({ length: r.int(0, 3) }, () => makePerson(r, market, place, domain))
  const someone = people[0] ? people[0].firstName : r.pick(FIRST_NAMES[lang])
  const product = r.pick(PRODUCTS)
  const fill = (s: string) => s.replace('{person}', someone ?? '').replace('{product}', product.toLowerCase()).replace('{day}', r.pick(WEEKDAYS))

  const customer: NewCustomer = {
    name,
    status: pickStatus(r),
    industry: sector.industry,
    ownerId: owner,
    address: {
      street: market.street(r.pick(market.streets), r.int(1, 180)),
      city: place.city,
      region: place.region,
      postalCode: r.digits(place.postalCode),
      country: market.country,
    },
  }
  // Empty lists and text are left out, as validateCustomer would leave them out.
  const tags = pickSome(r, TAGS, r.int(0, 3))
  if (tags.length > 0) customer.tags = tags
  const notes = pickSome(r, NOTE_LINES, r.int(0, 3)).map(fill).join('\n')
  if (notes !== '') customer.notes = notes
  if (people.length > 0) customer.contacts = people
  const deals = Array.from({ length: r.int(0, 2) }, () => makeDeal(r, market, now))
  if (deals.length > 0) customer.deals = deals
  const activities = makeActivities(r, owner, now, fill)
  if (activities.length > 0) customer.activities = activities
  if (r.chance(0.85)) customer.email = `${r.pick(['info', 'office', 'sales', 'contact'])}@${domain}`
  if (r.chance(0.9)) customer.phone = e164(market, r.digits(place.landline))
  if (r.chance(0.7)) customer.website = `https://www.${domain}`
  return customer
}

/** A company name and web domain no earlier demo customer has, as duplicates would trip import checks. */
function uniqueCompany(r: Random, used: Set<string>, market: DemoMarket, founder: string, sector: string, city: string) {
  const legal = r.pick(market.legalForms)
  const partner = r.pick(LAST_NAMES[market.language])
  const bases = [
    r.chance(0.75) ? `${founder} ${sector}` : `${founder} & ${partner}`,
    `${founder} ${sector} ${city}`,
    `${founder} & ${partner} ${sector}`,
  ]
  let base = bases.find((b) => !used.has(b) && !used.has(domainOf(b, market)))
  for (let n = 2; base === undefined; n++) {
    const numbered = `${founder} ${sector} ${city} ${n}`
    if (!used.has(numbered) && !used.has(domainOf(numbered, market))) base = numbered
  }
  const domain = domainOf(base, market)
  used.add(base).add(domain)
  return { name: `${base} ${legal}`, domain }
}

const domainOf = (base: string, market: DemoMarket) => `${slug(base.replace(' & ', '-'))}.${market.tld}`

function makePerson(r: Random, market: DemoMarket, place: DemoCity, domain: string): NewContact {
  const firstName = r.pick(FIRST_NAMES[market.language])
  const lastName = r.pick(LAST_NAMES[market.language])
  const person: NewContact = { firstName, lastName, title: r.pick(JOB_TITLES) }
  if (r.chance(0.8)) person.email = `${slug(firstName)}.${slug(lastName)}@${domain}`
  const mobile = market.mobile.length > 0 ? r.pick(market.mobile) : place.landline
  if (r.chance(0.7)) person.phone = e164(market, r.digits(mobile))
  return person
}

function makeDeal(r: Random, market: DemoMarket, now: number): NewDeal {
  const stage = r.pick(DEAL_STAGES)
  const closed = stage === 'closedwon' || stage === 'closedlost'
  return {
    name: `${r.pick(PRODUCTS)} ${new Date(now).getUTCFullYear()}`,
    amount: r.int(5, 500) * 100,
    currency: market.currency,
    stage,
    closeDate: new Date(now + (closed ? r.int(-90, -1) : r.int(1, 120)) * DAY).toISOString().slice(0, 10),
  }
}

/** A few past activities in business hours, oldest first. */
function makeActivities(r: Random, by: string, now: number, fill: (s: string) => string): NewActivity[] {
  const today = now - (now % DAY)
  const times = Array.from({ length: r.int(0, 4) }, () => today - r.int(1, 180) * DAY + r.int(7 * 4, 17 * 4) * 15 * 60_000)
  return times.sort((a, b) => a - b).map((t) => {
    const kind = r.pick(['call', 'visit', 'email', 'note'] as const)
    return { kind, text: fill(r.pick(ACTIVITY_TEXTS[kind])), by, at: new Date(t).toISOString() }
  })
}

function pickStatus(r: Random): CustomerStatus {
  let x = r.next()
  for (const status of CUSTOMER_STATUSES) {
    x -= STATUS_WEIGHTS[status]
    if (x < 0) return status
  }
  return 'customer'
}

function pickSome<T>(r: Random, items: readonly T[], n: number): T[] {
  const picked = new Set<T>()
  while (picked.size < Math.min(n, items.length)) picked.add(r.pick(items))
  return [...picked]
}

const e164 = (market: DemoMarket, nationalNumber: string) => `+${CALLING_CODES[market.country]}${nationalNumber}`

/** ASCII host/email-safe form of a name: "Müller & Söhne GmbH" -> "muller-sohne-gmbh". */
function slug(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/ß/g, 'ss').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')
}
