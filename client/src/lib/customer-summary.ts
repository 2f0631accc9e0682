// The few fields the customer list shows and searches, read straight from a customer's Y.Map:
// cheaper than readCustomer (no contacts, deals or activities), which matters at 10,000 rows.
// The same summary from a plain customer serves the list while it shows the saved projection.
import { CUSTOMER_STATUSES, type Customer, type CustomerStatus } from '@crm-sync/model'
import * as Y from 'yjs'

export interface CustomerSummary {
  readonly id: string
  readonly name: string
  readonly status: CustomerStatus | null
  readonly email: string
  readonly phone: string
  readonly city: string
  readonly country: string
  readonly archived: boolean
  readonly createdAt: number
  /** Lower-cased name, email, phone and city: what a search matches against. */
  readonly haystack: string
  /** The phone's digits only, so "030 1234" finds "+49301234…". */
  readonly phoneDigits: string
}

const text = (map: Y.Map<unknown>, key: string): string => {
  const v = map.get(key)
  return typeof v === 'string' ? v : ''
}

export function summarize(id: string, map: Y.Map<unknown>): CustomerSummary {
  const address = map.get('address')
  return makeSummary({
    id,
    name: text(map, 'name'),
    status: map.get('status'),
    email: text(map, 'email'),
    phone: text(map, 'phone'),
    city: address instanceof Y.Map ? text(address, 'city') : '',
    country: address instanceof Y.Map ? text(address, 'country') : '',
    archived: map.get('archived') === true,
    createdAt: text(map, 'createdAt'),
  })
}

/** The summary of a customer in its plain form (as the projection holds it), tolerant like `summarize`. */
export function summarizeCustomer(c: Customer): CustomerSummary {
  const str = (v: unknown): string => (typeof v === 'string' ? v : '')
  return makeSummary({
    id: c.id,
    name: str(c.name),
    status: c.status,
    email: str(c.email),
    phone: str(c.phone),
    city: str(c.address?.city),
    country: str(c.address?.country),
    archived: c.archived === true,
    createdAt: str(c.createdAt),
  })
}

interface SummaryFields {
  readonly id: string
  readonly name: string
  readonly status: unknown
  readonly email: string
  readonly phone: string
  readonly city: string
  readonly country: string
  readonly archived: boolean
  readonly createdAt: string
}

function makeSummary({ id, name, status, email, phone, city, country, archived, createdAt }: SummaryFields): CustomerSummary {
  const created = Date.parse(createdAt)
  return {
    id,
    name,
    status: (CUSTOMER_STATUSES as readonly unknown[]).includes(status) ? (status as CustomerStatus) : null,
    email,
    phone,
    city,
    country,
    archived,
    createdAt: Number.isNaN(created) ? 0 : created,
    haystack: `${name}\n${email}\n${phone}\n${city}`.toLowerCase(),
    phoneDigits: phone.replace(/\D/g, ''),
  }
}
