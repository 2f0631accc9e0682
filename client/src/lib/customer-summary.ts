// The few fields the customer list shows and searches, read straight from a customer's Y.Map:
// cheaper than readCustomer (no contacts, deals or activities), which matters at 10,000 rows.
import { CUSTOMER_STATUSES, type CustomerStatus } from '@crm-sync/model'
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
  const city = address instanceof Y.Map ? text(address, 'city') : ''
  const country = address instanceof Y.Map ? text(address, 'country') : ''
  const status = map.get('status')
  const name = text(map, 'name')
  const email = text(map, 'email')
  const phone = text(map, 'phone')
  const created = Date.parse(text(map, 'createdAt'))
  return {
    id,
    name,
    status: (CUSTOMER_STATUSES as readonly unknown[]).includes(status) ? (status as CustomerStatus) : null,
    email,
    phone,
    city,
    country,
    archived: map.get('archived') === true,
    createdAt: Number.isNaN(created) ? 0 : created,
    haystack: `${name}\n${email}\n${phone}\n${city}`.toLowerCase(),
    phoneDigits: phone.replace(/\D/g, ''),
  }
}
