// One gate for customer data from people and files (the web form as you type, the HTTP API,
// the importer): trims, drops empty values, normalises email/phone/country/website, and
// reports every bad field at once with a dotted path instead of stopping at the first.
import { CUSTOMER_STATUSES, type Address, type NewCustomer } from './customer-schema'
import {
  IssueList, assign, isRecord, readBoolean, readChoice, readDateTime, readList, readNormalized, readText,
  type ValidationIssue,
} from './field-readers'
import { normalizeCountry } from './normalize-country'
import { normalizeEmail } from './normalize-email'
import { normalizePhone, type CountryCode } from './normalize-phone'
import { normalizeWebsite } from './normalize-website'
import { cleanTags } from './tags'
import { readActivities, readContacts, readDeals } from './validate-children'

export type { ValidationIssue }

/** A customer as validated: a NewCustomer, plus the identity fields when the input had them. */
export type ValidCustomer = NewCustomer & { id?: string; createdAt?: string; createdBy?: string }

export type ValidationResult = { ok: true; value: ValidCustomer } | { ok: false; issues: ValidationIssue[] }

export type ValidateOptions = {
  /** How to read phone numbers without an international prefix when the address has no country. */
  defaultRegion?: CountryCode | string
}

/** Unknown keys are ignored (importers map their columns first), never reported. */
export function validateCustomer(input: unknown, opts: ValidateOptions = {}): ValidationResult {
  if (!isRecord(input)) return { ok: false, issues: [{ field: '', value: input, reason: 'must be an object' }] }
  const issues = new IssueList()
  const c: ValidCustomer = { name: '' }

  const name = readText(issues, 'name', input['name'])
  if (name !== undefined) c.name = name
  else if (!issues.issues.some((i) => i.field === 'name')) issues.add('name', input['name'], 'a customer needs a name')

  assign(c, 'id', readText(issues, 'id', input['id']))
  assign(c, 'status', readChoice(issues, 'status', input['status'], CUSTOMER_STATUSES))
  assign(c, 'email', readNormalized(issues, 'email', input['email'], normalizeEmail))
  assign(c, 'website', readNormalized(issues, 'website', input['website'], normalizeWebsite))
  assign(c, 'industry', readText(issues, 'industry', input['industry']))
  assign(c, 'ownerId', readText(issues, 'ownerId', input['ownerId']))
  assign(c, 'address', readAddress(issues, input['address']))
  // The customer's own country is the best guess for how its local numbers are written.
  const region = c.address?.country ?? opts.defaultRegion
  assign(c, 'phone', readNormalized(issues, 'phone', input['phone'], (v) => normalizePhone(v, region)))
  const tags = readList(issues, 'tags', input['tags'])
  if (tags) assign(c, 'tags', cleanTags(tags))
  assign(c, 'notes', readText(issues, 'notes', input['notes']))
  assign(c, 'archived', readBoolean(issues, 'archived', input['archived']))
  assign(c, 'createdAt', readDateTime(issues, 'createdAt', input['createdAt']))
  assign(c, 'createdBy', readText(issues, 'createdBy', input['createdBy']))
  assign(c, 'contacts', readContacts(issues, input['contacts'], region))
  assign(c, 'deals', readDeals(issues, input['deals']))
  assign(c, 'activities', readActivities(issues, input['activities']))

  return issues.issues.length > 0 ? { ok: false, issues: issues.issues } : { ok: true, value: c }
}

function readAddress(issues: IssueList, raw: unknown): Address | undefined {
  if (raw === undefined || raw === null) return undefined
  if (!isRecord(raw)) return issues.add('address', raw, 'must be an object')
  const address: Address = {}
  assign(address, 'street', readText(issues, 'address.street', raw['street']))
  assign(address, 'city', readText(issues, 'address.city', raw['city']))
  assign(address, 'region', readText(issues, 'address.region', raw['region']))
  assign(address, 'postalCode', readText(issues, 'address.postalCode', raw['postalCode']))
  assign(address, 'country', readNormalized(issues, 'address.country', raw['country'], normalizeCountry))
  return Object.keys(address).length > 0 ? address : undefined
}

