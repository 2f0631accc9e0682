// Writes one batch of validated rows into the book, inside one CRDT change: finds each row's
// customer (its key's derived id, an earlier merge recorded in the book, or a dedupe match),
// then creates it or merges into it. Runs inside the change so it sees the book as it is now,
// concurrent edits from devices included.
import type * as Y from 'yjs'
import {
  addActivity, addContact, addDeal, createCustomer, customersMap, patchCustomer, readCustomer, updateContact, updateDeal,
} from '@crm-sync/model'
import type { Logger } from 'pino'
import type { DedupeCandidate, DedupeIndex, DedupeMatch } from './dedupe-index'
import { contentKey, derivedChildId, derivedCustomerId } from './external-key'
import type { DuplicateEntry, RowOutcome } from './import-report'
import { importKeyAliases } from './import-key-aliases'
import type { Mapping } from './mapping'
import { planMerge, type IncomingCustomer, type MergePlan } from './merge-customer'
import type { ValidRow } from './validate-row'

export interface ApplyContext {
  readonly bookId: string
  readonly userId: string
  readonly mapping: Mapping
  readonly overwrite: boolean
  readonly index: DedupeIndex
  /** Customer id → the first row of this import that reached it (within-file duplicates). */
  readonly touched: Map<string, number>
  readonly now: Date
  readonly log?: Logger
}

export function applyBatch(doc: Y.Doc, origin: unknown, rows: readonly ValidRow[], ctx: ApplyContext): RowOutcome[] {
  return rows.map((row) => {
    try {
      return applyRow(doc, origin, row, ctx)
    } catch (e) {
      // Rows are fully validated before this point, so this is a bug, not bad data.
      ctx.log?.error({ err: e, row: row.row }, 'import could not apply a validated row')
      return { row: row.row, kind: 'rejected', issues: [{ row: row.row, field: '', value: '', reason: `could not be applied: ${(e as Error).message}` }] }
    }
  })
}

function applyRow(doc: Y.Doc, origin: unknown, row: ValidRow, ctx: ApplyContext): RowOutcome {
  const { customerId, duplicate } = resolve(doc, row, ctx)
  const incoming = withChildIds(row.customer, customerId)
  const firstRow = ctx.touched.get(customerId)
  const dup: DuplicateEntry | undefined =
    duplicate ?? (firstRow !== undefined ? { row: row.row, customerId, rule: 'key', value: row.key ?? row.customer.id ?? 'same content', matchedRow: firstRow, action: 'merged' } : undefined)
  if (firstRow === undefined) ctx.touched.set(customerId, row.row)

  const existing = readCustomer(doc, customerId)
  if (!existing) {
    createCustomer(doc, incoming, {
      by: incoming.createdBy ?? ctx.userId,
      id: customerId,
      now: incoming.createdAt ? new Date(incoming.createdAt) : ctx.now,
      origin,
    })
    ctx.index.add(customerId, incoming)
    return { row: row.row, kind: 'imported', customerId, duplicate: dup }
  }
  const plan = planMerge(existing, incoming, ctx.overwrite)
  if (plan.changedFields.length === 0) return { row: row.row, kind: 'unchanged', customerId, duplicate: dup }
  applyPlan(doc, customerId, plan, origin, ctx.userId)
  // Index what the customer is now; its name and city only if they changed.
  const p = plan.patch
  const now = { ...existing, ...p, address: { ...existing.address, ...p.address } } as DedupeCandidate
  ctx.index.add(customerId, now, { fuzzy: p.name !== undefined || p.address?.city !== undefined })
  return { row: row.row, kind: 'updated', customerId, fields: plan.changedFields, duplicate: dup }
}

/** Which customer a row is: see README.md, "Idempotence and dedupe", for the order of the rules. */
function resolve(doc: Y.Doc, row: ValidRow, ctx: ApplyContext): { customerId: string; duplicate?: DuplicateEntry } {
  const customers = customersMap(doc)
  const c = row.customer
  const fuzzyMode = ctx.mapping.dedupe.fuzzy
  const find = (): DedupeMatch | undefined => {
    const exact = ctx.index.findExact(c)
    if (exact && customers.has(exact.customerId)) return exact
    const fuzzy = fuzzyMode === 'off' ? undefined : ctx.index.findFuzzy(c)
    return fuzzy && customers.has(fuzzy.customerId) ? fuzzy : undefined
  }
  const entry = (m: DedupeMatch, action: DuplicateEntry['action']): DuplicateEntry => {
    const matchedRow = ctx.touched.get(m.customerId)
    return { row: row.row, ...m, ...(matchedRow !== undefined ? { matchedRow } : {}), action }
  }

  // A row that carries a customer id (an export of this system) is that customer; a match
  // with another customer is only reported, so an export re-imports as exactly the same book.
  if (c.id !== undefined) {
    if (customers.has(c.id)) return { customerId: c.id }
    const match = find()
    return match ? { customerId: c.id, duplicate: entry(match, 'candidate') } : { customerId: c.id }
  }
  const derived = derivedCustomerId(ctx.bookId, ctx.mapping.keyNamespace, row.key ?? contentKey(c))
  const aliases = importKeyAliases(doc)
  const alias = aliases.get(derived)
  if (typeof alias === 'string' && customers.has(alias)) return { customerId: alias }
  if (customers.has(derived)) return { customerId: derived }
  const match = find()
  if (match && (match.rule !== 'name-city' || fuzzyMode === 'merge')) {
    aliases.set(derived, match.customerId)
    return { customerId: match.customerId, duplicate: entry(match, 'merged') }
  }
  return match ? { customerId: derived, duplicate: entry(match, 'candidate') } : { customerId: derived }
}

/** Contacts, deals and activities without ids get ids derived from their content. */
function withChildIds(c: ValidRow['customer'], customerId: string): IncomingCustomer {
  const out: IncomingCustomer = { ...c } as IncomingCustomer
  if (c.contacts) out.contacts = c.contacts.map((x) => ({ ...x, id: x.id ?? derivedChildId(customerId, 'contacts', x) }))
  if (c.deals) out.deals = c.deals.map((x) => ({ ...x, id: x.id ?? derivedChildId(customerId, 'deals', x) }))
  if (c.activities) out.activities = c.activities.map((x) => ({ ...x, id: x.id ?? derivedChildId(customerId, 'activities', x) }))
  return out
}

function applyPlan(doc: Y.Doc, customerId: string, plan: MergePlan, origin: unknown, userId: string): void {
  if (Object.keys(plan.patch).length > 0) patchCustomer(doc, customerId, plan.patch, origin)
  for (const contact of plan.addContacts) addContact(doc, customerId, contact, origin)
  for (const { id, fields } of plan.updateContacts) updateContact(doc, customerId, id, fields, origin)
  for (const deal of plan.addDeals) addDeal(doc, customerId, deal, origin)
  for (const { id, fields } of plan.updateDeals) updateDeal(doc, customerId, id, fields, origin)
  for (const a of plan.addActivities) addActivity(doc, customerId, { ...a, by: a.by ?? userId }, origin)
}
