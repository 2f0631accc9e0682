// What "the same customer" means for dedupe: exact keys (normalised email, E.164 phone,
// website host without "www.") and, for the fuzzy rule, names and cities reduced to their
// letters and digits without legal forms ("Müller GmbH & Co. KG" ≈ "mueller").
import type { ValidCustomer } from '@crm-sync/model'

export const EXACT_RULES = ['email', 'phone', 'website'] as const
export type ExactRule = (typeof EXACT_RULES)[number]
export type DedupeRule = 'key' | ExactRule | 'name-city'

/** Hosts shared by many unrelated businesses: a profile page there does not identify a customer. */
const SHARED_HOSTS = new Set([
  'facebook.com', 'm.facebook.com', 'instagram.com', 'linkedin.com', 'twitter.com', 'x.com', 'xing.com', 'google.com',
  'sites.google.com', 'business.site', 'yelp.com', 'wordpress.com', 'blogspot.com', 'wix.com', 'tripadvisor.com',
])

const LEGAL_FORMS = new Set([
  'gmbh', 'mbh', 'ag', 'kg', 'ohg', 'ug', 'gbr', 'ev', 'co', 'cie', 'inc', 'incorporated', 'llc', 'llp', 'lp', 'ltd', 'limited',
  'plc', 'corp', 'corporation', 'company', 'sa', 'sas', 'sarl', 'srl', 'spa', 'sl', 'bv', 'nv', 'ab', 'as', 'oy', 'aps', 'kft',
  'sp', 'zoo', 'the', 'und', 'and', 'et',
])

/** Letters and digits, lower case, umlauts spelled out, accents dropped, words single-spaced. */
export function foldText(s: string): string {
  return s
    .toLowerCase()
    .replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/&/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

export function nameKey(name: string): string {
  const words = foldText(name).split(' ').filter((w) => w !== '' && !LEGAL_FORMS.has(w))
  return words.join(' ')
}

export const cityKey = (city: string): string => foldText(city)

/** The exact dedupe keys of a customer whose fields are already normalised by validateCustomer. */
export function exactKeys(c: Pick<ValidCustomer, 'email' | 'phone' | 'website'>): Array<[ExactRule, string]> {
  const keys: Array<[ExactRule, string]> = []
  if (c.email) keys.push(['email', c.email])
  if (c.phone) keys.push(['phone', c.phone])
  const host = c.website ? websiteHost(c.website) : undefined
  if (host) keys.push(['website', host])
  return keys
}

function websiteHost(website: string): string | undefined {
  try {
    const host = new URL(website).hostname.replace(/^www\./, '')
    return SHARED_HOSTS.has(host) ? undefined : host
  } catch {
    return undefined
  }
}
