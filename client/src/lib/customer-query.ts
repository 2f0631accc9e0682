// Local search, filter and sort over the list's summaries: plain array work on the device, so
// results follow every keystroke with no network and no index server.
import type { CustomerStatus } from '@crm-sync/model'
import type { CustomerSummary } from './customer-summary'

export const STATUS_FILTERS = ['all', 'lead', 'prospect', 'customer', 'inactive', 'archived'] as const
export type StatusFilter = (typeof STATUS_FILTERS)[number]

export const SORT_ORDERS = ['name', 'last-change'] as const
export type SortOrder = (typeof SORT_ORDERS)[number]

export interface CustomerQuery {
  readonly text: string
  readonly status: StatusFilter
  readonly sort: SortOrder
}

export const DEFAULT_QUERY: CustomerQuery = { text: '', status: 'all', sort: 'name' }

export type ListRow = CustomerSummary & { readonly lastChange: number }

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })

export function sortRows(rows: ListRow[], sort: SortOrder): ListRow[] {
  return sort === 'name'
    ? rows.sort((a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1))
    : rows.sort((a, b) => b.lastChange - a.lastChange || collator.compare(a.name, b.name))
}

/** A matcher for the search box: every word must occur; digit runs also match phone digits. */
export function makeMatcher(text: string): (row: CustomerSummary) => boolean {
  const words = text.toLowerCase().split(/\s+/).filter((w) => w !== '')
  if (words.length === 0) return () => true
  const digits = text.replace(/\D/g, '')
  // "030 123 45" is one phone number typed with spaces, not three words.
  const phoneLike = digits.length >= 3 && /^[+\d\s()./-]+$/.test(text.trim())
  return (row) => {
    if (phoneLike && row.phoneDigits.includes(digits.replace(/^0+/, ''))) return true
    return words.every((w) => row.haystack.includes(w))
  }
}

export function matchesStatus(row: CustomerSummary, status: StatusFilter): boolean {
  if (status === 'archived') return row.archived
  if (row.archived) return false
  return status === 'all' || row.status === (status as CustomerStatus)
}

/** `sorted` is already in the query's sort order; filtering keeps that order. */
export function filterRows(sorted: readonly ListRow[], query: CustomerQuery): ListRow[] {
  const match = makeMatcher(query.text)
  return sorted.filter((row) => matchesStatus(row, query.status) && match(row))
}
