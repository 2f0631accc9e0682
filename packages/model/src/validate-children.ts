// Validation of the lists inside a customer (contacts, deals, activities), each item reported
// under its index: 'contacts.0.email', 'deals.2.amount'.
import { ACTIVITY_KINDS, type NewActivity, type NewContact, type NewDeal } from './customer-schema'
import {
  IssueList, assign, isRecord, readChoice, readDate, readDateTime, readNormalized, readNumber, readText,
} from './field-readers'
import { normalizeEmail } from './normalize-email'
import { normalizePhone } from './normalize-phone'

export function readArray<T>(
  issues: IssueList,
  field: string,
  raw: unknown,
  readItem: (path: string, item: Record<string, unknown>) => T | undefined,
): T[] | undefined {
  if (raw === undefined || raw === null) return undefined
  if (!Array.isArray(raw)) return issues.add(field, raw, 'must be a list')
  const out: T[] = []
  raw.forEach((item, i) => {
    const path = `${field}.${i}`
    if (!isRecord(item)) return void issues.add(path, item, 'must be an object')
    const value = readItem(path, item)
    if (value !== undefined) out.push(value)
  })
  return out
}

export function readContacts(issues: IssueList, raw: unknown, region: string | undefined): NewContact[] | undefined {
  return readArray(issues, 'contacts', raw, (path, c) => {
    const contact: NewContact = {}
    assign(contact, 'id', readText(issues, `${path}.id`, c['id']))
    assign(contact, 'firstName', readText(issues, `${path}.firstName`, c['firstName']))
    assign(contact, 'lastName', readText(issues, `${path}.lastName`, c['lastName']))
    assign(contact, 'title', readText(issues, `${path}.title`, c['title']))
    assign(contact, 'email', readNormalized(issues, `${path}.email`, c['email'], normalizeEmail))
    assign(contact, 'phone', readNormalized(issues, `${path}.phone`, c['phone'], (v) => normalizePhone(v, region)))
    const known = contact.firstName ?? contact.lastName ?? contact.email ?? contact.phone
    const fieldsFailed = issues.issues.some((i) => i.field.startsWith(`${path}.`))
    if (known === undefined && !fieldsFailed) return issues.add(path, c, 'a contact needs a name, an email or a phone')
    return contact
  })
}

export function readDeals(issues: IssueList, raw: unknown): NewDeal[] | undefined {
  return readArray(issues, 'deals', raw, (path, d) => {
    const name = readText(issues, `${path}.name`, d['name'])
    if (name === undefined && !issues.issues.some((i) => i.field === `${path}.name`)) {
      issues.add(`${path}.name`, d['name'], 'a deal needs a name')
    }
    const deal: NewDeal = { name: name ?? '' }
    assign(deal, 'id', readText(issues, `${path}.id`, d['id']))
    assign(deal, 'amount', readNumber(issues, `${path}.amount`, d['amount']))
    const currency = readText(issues, `${path}.currency`, d['currency'])?.toUpperCase()
    if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) {
      issues.add(`${path}.currency`, d['currency'], 'must be a three-letter ISO 4217 code')
    } else {
      assign(deal, 'currency', currency)
    }
    assign(deal, 'stage', readText(issues, `${path}.stage`, d['stage']))
    assign(deal, 'closeDate', readDate(issues, `${path}.closeDate`, d['closeDate']))
    return deal
  })
}

export function readActivities(issues: IssueList, raw: unknown): NewActivity[] | undefined {
  return readArray(issues, 'activities', raw, (path, a) => {
    const kind = readChoice(issues, `${path}.kind`, a['kind'], ACTIVITY_KINDS)
    if (kind === undefined && !issues.issues.some((i) => i.field === `${path}.kind`)) {
      issues.add(`${path}.kind`, a['kind'], 'an activity needs a kind')
    }
    const activity: NewActivity = { kind: kind ?? 'note', text: readText(issues, `${path}.text`, a['text']) ?? '' }
    assign(activity, 'id', readText(issues, `${path}.id`, a['id']))
    assign(activity, 'by', readText(issues, `${path}.by`, a['by']))
    assign(activity, 'at', readDateTime(issues, `${path}.at`, a['at']))
    return activity
  })
}
