// What merging an imported row into an existing customer changes, computed on plain values
// before anything is written: empty fields are filled; a field that has a value is replaced
// only with `overwrite`. Contacts and deals are matched by id, then by email / name, and
// filled the same way; activities are added when missing. An empty plan means "unchanged".
import {
  ADDRESS_FIELDS, CONTACT_FIELDS, DEAL_FIELDS,
  type Contact, type ContactUpdate, type Customer, type CustomerPatch, type Deal, type DealUpdate, type NewActivity, type ValidCustomer,
} from '@crm-sync/model'

/** An imported customer whose contacts, deals and activities all have ids (see withChildIds). */
export type IncomingCustomer = Omit<ValidCustomer, 'contacts' | 'deals' | 'activities'> & {
  contacts?: Contact[]
  deals?: Deal[]
  activities?: Array<NewActivity & { id: string }>
}

export interface MergePlan {
  readonly patch: CustomerPatch
  readonly addContacts: Contact[]
  readonly updateContacts: Array<{ id: string; fields: ContactUpdate }>
  readonly addDeals: Deal[]
  readonly updateDeals: Array<{ id: string; fields: DealUpdate }>
  readonly addActivities: Array<NewActivity & { id: string }>
  /** Customer fields that change, for the report. */
  readonly changedFields: string[]
}

const SCALARS = ['name', 'status', 'email', 'phone', 'website', 'industry', 'ownerId'] as const

const blank = (v: unknown) => v === undefined || v === null || v === ''
/** Fill when empty, replace only when asked to. */
const takes = (current: unknown, incoming: unknown, overwrite: boolean) =>
  !blank(incoming) && (blank(current) || (overwrite && current !== incoming))

export function planMerge(existing: Customer, incoming: IncomingCustomer, overwrite: boolean): MergePlan {
  const patch: Record<string, unknown> = {}
  const changed: string[] = []
  for (const field of SCALARS) {
    if (takes(existing[field], incoming[field], overwrite)) {
      patch[field] = incoming[field]
      changed.push(field)
    }
  }
  if (overwrite && incoming.archived !== undefined && incoming.archived !== existing.archived) {
    patch['archived'] = incoming.archived
    changed.push('archived')
  }
  const address: Record<string, string> = {}
  for (const field of ADDRESS_FIELDS) {
    const value = incoming.address?.[field]
    if (value !== undefined && takes(existing.address?.[field], value, overwrite)) {
      address[field] = value
      changed.push(`address.${field}`)
    }
  }
  if (Object.keys(address).length > 0) patch['address'] = address
  const tags = mergeTags(existing.tags, incoming.tags, overwrite)
  if (tags) {
    patch['tags'] = tags
    changed.push('tags')
  }
  if (incoming.notes !== undefined && incoming.notes !== existing.notes && (existing.notes === '' || overwrite)) {
    patch['notes'] = incoming.notes
    changed.push('notes')
  }

  const contacts = mergeChildren(existing.contacts, incoming.contacts ?? [], CONTACT_FIELDS, sameContact, overwrite)
  const deals = mergeChildren(existing.deals, incoming.deals ?? [], DEAL_FIELDS, sameDeal, overwrite)
  const addActivities = (incoming.activities ?? []).filter((a) => !existing.activities.some((e) => e.id === a.id || sameActivity(e, a)))
  if (contacts.add.length + contacts.update.length > 0) changed.push('contacts')
  if (deals.add.length + deals.update.length > 0) changed.push('deals')
  if (addActivities.length > 0) changed.push('activities')
  return {
    patch: patch as CustomerPatch,
    addContacts: contacts.add,
    updateContacts: contacts.update as MergePlan['updateContacts'],
    addDeals: deals.add,
    updateDeals: deals.update as MergePlan['updateDeals'],
    addActivities,
    changedFields: changed,
  }
}

/** Without overwrite: the existing tags plus the new ones. With it: the file's tags. */
function mergeTags(current: readonly string[], incoming: readonly string[] | undefined, overwrite: boolean): string[] | undefined {
  if (!incoming || incoming.length === 0) return undefined
  // validateCustomer has already cleaned `incoming`; the union keeps the first spelling of a tag.
  const next = overwrite ? [...incoming] : [...current, ...incoming.filter((t) => !current.some((c) => c.toLowerCase() === t.toLowerCase()))]
  const same = next.length === current.length && next.every((t, i) => t === current[i])
  return same ? undefined : next
}

function mergeChildren<T extends { id: string }>(
  existing: readonly T[],
  incoming: readonly T[],
  fields: readonly string[],
  same: (a: T, b: T) => boolean,
  overwrite: boolean,
): { add: T[]; update: Array<{ id: string; fields: Record<string, unknown> }> } {
  const add: T[] = []
  const update: Array<{ id: string; fields: Record<string, unknown> }> = []
  for (const child of incoming) {
    const match = existing.find((e) => e.id === child.id) ?? existing.find((e) => same(e, child))
    if (!match) {
      if (!add.some((a) => a.id === child.id)) add.push(child)
      continue
    }
    const changes: Record<string, unknown> = {}
    for (const field of fields) {
      const value = (child as Record<string, unknown>)[field]
      if (takes((match as Record<string, unknown>)[field], value, overwrite)) changes[field] = value
    }
    if (Object.keys(changes).length > 0) update.push({ id: match.id, fields: changes })
  }
  return { add, update }
}

const lower = (s: string | undefined) => s?.trim().toLowerCase() ?? ''

function sameContact(a: Contact, b: Contact): boolean {
  if (a.email && b.email) return a.email === b.email
  const nameA = `${lower(a.firstName)} ${lower(a.lastName)}`.trim()
  return nameA !== '' && nameA === `${lower(b.firstName)} ${lower(b.lastName)}`.trim()
}

const sameDeal = (a: Deal, b: Deal) => lower(a.name) === lower(b.name)

function sameActivity(a: { kind: string; text: string; at: string }, b: NewActivity): boolean {
  return a.kind === b.kind && a.text === b.text && (b.at === undefined || a.at === b.at)
}

export const isEmptyPlan = (p: MergePlan) => p.changedFields.length === 0
