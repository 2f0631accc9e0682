// Reconciles a batch of records of one kind: pairs both sides, plans each record (record-plan.ts),
// writes the book (one transaction, the bridge's origin), writes the CRM (batch update / upsert /
// archive / associate, bad records bisected out), waits for the relay's acknowledgement, and only
// then remembers the new agreed state. Anything not confirmed on both sides is retried later.
import { applyBookWrite } from './book-records'
import { BRIDGE_ORIGIN } from './bridge-books'
import { perCall, runBisecting, type ItemOutcome } from './batch-runner'
import type { BridgeError } from './bridge-error'
import type { ConflictEntry, RecordState } from './bridge-state-store'
import type { CrmObject } from './crm-adapter'
import { CRM_TYPE, RECORD_ID_PROPERTY, type BridgeKind } from './field-map'
import { planRecord, type RecordPlan } from './record-plan'
import { hashSorted, mappedKeys, recordHash } from './record-hash'
import { pairItems, type Pair } from './record-pairing'
import type { ReconcileDeps, ReconcileItem } from './reconcile-deps'

export const BRIDGE_AUTHOR = 'crm-bridge'

export interface RetryItem {
  readonly kind: BridgeKind
  readonly crdtId: string
  readonly bookId: string
  readonly error: string
  readonly permanent: boolean
}

export interface ReconcileOutcome {
  readonly settled: number
  readonly retry: RetryItem[]
  readonly deferred: Array<{ kind: BridgeKind; crdtId: string; bookId: string }>
}

export function crmHashOf(deps: ReconcileDeps, kind: BridgeKind, crm: CrmObject | null): string | null {
  if (!crm) return null
  const props = crm.properties
  return hashSorted(mappedKeys(deps.map[kind], 'property'), (p) => props[p])
}

/**
 * crmHashOf(a) === crmHashOf(b), decided without hashing: true when both carry the same mapped
 * properties. A claim's answer usually does (the claim writes unmapped properties only).
 */
export function sameCrmContent(deps: ReconcileDeps, kind: BridgeKind, a: CrmObject, b: CrmObject | null): boolean {
  if (!b) return false
  for (const p of mappedKeys(deps.map[kind], 'property')) {
    if ((a.properties[p] ?? '') !== (b.properties[p] ?? '')) return false
  }
  return true
}

export async function reconcile(deps: ReconcileDeps, kind: BridgeKind, items: readonly ReconcileItem[]): Promise<ReconcileOutcome> {
  const type = CRM_TYPE[kind]
  const pairs = await pairItems(deps, kind, items)
  const retry: RetryItem[] = []
  const deferred: ReconcileOutcome['deferred'] = []
  if (pairs.length === 0) return { settled: 0, retry, deferred }

  // Remember new links (book id ↔ CRM id) first: a crash between here and the claim must not
  // leave a CRM-made record that a restart would take for a new book record.
  const links: RecordState[] = pairs
    .filter((p) => p.crm && p.state?.crmId !== p.crm.id)
    .map((p) => ({
      ...(p.state ?? { kind, crdtId: p.crdtId, base: null, crmModifiedAt: null, crmHash: null, bookHash: null, archived: false, parentCrmId: null }),
      bookId: p.bookId, parentId: p.parentId, crmId: (p.crm as CrmObject).id, updatedAt: deps.now(),
    }))
  if (links.length > 0) await deps.state.putRecords(links)

  const parents = kind === 'company' ? new Map<string, RecordState>()
    : await deps.state.getRecords('company', [...new Set(pairs.map((p) => p.parentId).filter((x): x is string => !!x))])

  const plans: RecordPlan[] = []
  /** The CRM side's content hash as read (computed once per record). */
  const pairHash = new Map<Pair, string | null>()
  for (const bookId of new Set(pairs.map((p) => p.bookId))) {
    // The clock first: the document is then used at once, while the bridge still holds it awake.
    await deps.clock.catchUp(bookId)
    const doc = await deps.books.doc(bookId)
    for (const pair of pairs.filter((p) => p.bookId === bookId)) {
      const hash = crmHashOf(deps, kind, pair.crm)
      pairHash.set(pair, hash)
      deps.events.crmSeen(kind, pair.crdtId, hash)
      const plan = planRecord(deps, pair, doc, pair.parentId ? (parents.get(pair.parentId)?.crmId ?? null) : null)
      if (plan === 'defer') deferred.push({ kind, crdtId: pair.crdtId, bookId })
      else if (plan) plans.push(plan)
    }
  }

  const failed = new Map<RecordPlan, { error: BridgeError | Error; permanent: boolean }>()
  const fail = (plan: RecordPlan, error: BridgeError | Error, permanent: boolean) => {
    if (!failed.has(plan)) failed.set(plan, { error, permanent })
  }

  // 1. The book, one transaction per book.
  const written = new Set<string>()
  for (const bookId of new Set(plans.filter((p) => p.book).map((p) => p.pair.bookId))) {
    await deps.books.write(bookId, (doc) => {
      for (const plan of plans) {
        if (!plan.book || plan.pair.bookId !== bookId) continue
        try {
          applyBookWrite(doc, plan.book, BRIDGE_ORIGIN, BRIDGE_AUTHOR)
          written.add(bookId)
        } catch (error) {
          fail(plan, error as Error, true)
        }
      }
    })
  }

  // 2. The CRM.
  const crmResult = new Map<RecordPlan, CrmObject>()
  const record = <R>(outcomes: Map<RecordPlan, ItemOutcome<R>>, pick: (r: R) => CrmObject | null) => {
    for (const [plan, o] of outcomes) {
      if (!o.ok) fail(plan, o.error, o.permanent)
      else {
        const obj = pick(o.result)
        if (obj) crmResult.set(plan, obj)
      }
    }
  }
  const updates = plans.filter((p) => p.crm?.mode === 'update' && !failed.has(p))
  for (const outcomes of await perCall(updates, (part) => runBisecting(part, async (batch) =>
    (await deps.crm.updateBatch(type, batch.map((p) => ({ id: (p.pair.crm as CrmObject).id, properties: p.crm!.properties })))).results,
  (p, results) => results.find((r) => r.id === p.pair.crm?.id)))) record(outcomes, (r) => r)
  const upserts = plans.filter((p) => p.crm?.mode === 'upsert' && !failed.has(p))
  for (const outcomes of await perCall(upserts, (part) => runBisecting(part, (batch) =>
    deps.crm.upsertBatch(type, RECORD_ID_PROPERTY, batch.map((p) => ({ key: p.pair.crdtId, properties: p.crm!.properties }))),
  (p, results) => results.find((r) => r.key === p.pair.crdtId)))) record(outcomes, (r) => r.object)
  const archives = plans.filter((p) => p.crmArchive && !failed.has(p))
  await perCall(archives, async (part) => {
    try {
      await deps.crm.archiveBatch(type, part.map((p) => p.crmArchive as string))
    } catch (error) {
      for (const p of part) fail(p, error as BridgeError, false)
    }
  })
  const links2 = plans.filter((p) => p.associateTo && !failed.has(p) && (crmResult.get(p) ?? p.pair.crm))
  await perCall(links2, async (part) => {
    try {
      await deps.crm.associate(type, 'companies', part.map((p) => ({ from: (crmResult.get(p) ?? p.pair.crm)!.id, to: p.associateTo as string })))
    } catch (error) {
      for (const p of part) fail(p, error as BridgeError, false)
    }
  })

  // 3. The relay's acknowledgement of what the bridge wrote to books.
  for (const bookId of written) {
    if (await deps.books.flushed(bookId, deps.ackTimeoutMs)) continue
    for (const p of plans) if (p.book && p.pair.bookId === bookId) fail(p, new Error('the relay did not acknowledge the book write in time'), false)
  }

  // 4. Remember what both sides now agree on.
  const now = deps.now()
  const states: RecordState[] = []
  const conflicts: ConflictEntry[] = []
  const settledIds: string[] = []
  for (const plan of plans) {
    const { pair } = plan
    const f = failed.get(plan)
    if (f) {
      retry.push({ kind, crdtId: pair.crdtId, bookId: pair.bookId, error: f.error.message, permanent: f.permanent })
      continue
    }
    if (!plan.persist) continue
    const response = crmResult.get(plan)
    const crm = response ?? pair.crm
    const agreed = { ...plan.agreed }
    if (response) {
      for (const m of deps.map[kind]) {
        const a = agreed[m.field]
        if (a && m.property in (plan.crm?.properties ?? {})) agreed[m.field] = { book: a.book, crm: response.properties[m.property] ?? null }
      }
    }
    const readHash = () => pairHash.get(pair) ?? crmHashOf(deps, kind, pair.crm)
    const crmHash = plan.archived ? pair.state?.crmHash ?? null
      : response ? (sameCrmContent(deps, kind, response, pair.crm) ? readHash() : crmHashOf(deps, kind, response))
      : readHash()
    states.push({
      kind, crdtId: pair.crdtId, bookId: pair.bookId, parentId: pair.parentId,
      crmId: crm?.id ?? pair.state?.crmId ?? null,
      base: agreed,
      crmModifiedAt: crm?.modifiedAt ?? pair.state?.crmModifiedAt ?? null,
      crmHash,
      bookHash: recordHash(Object.fromEntries(Object.entries(agreed).map(([k, v]) => [k, v.book]))),
      archived: plan.archived,
      parentCrmId: plan.associateTo ?? pair.state?.parentCrmId ?? null,
      updatedAt: now,
    })
    if (response || plan.archived) deps.events.crmSeen(kind, pair.crdtId, crmHash)
    for (const c of plan.conflicts) {
      conflicts.push({
        bookId: pair.bookId, kind, crdtId: pair.crdtId, field: c.field, property: c.property, base: c.base,
        bookValue: c.bookValue, crmValue: c.crmValue, bookBy: c.book?.by ?? null, bookAt: c.book?.at ?? null,
        crmBy: c.crm?.by ?? null, crmAt: c.crm?.at ?? null, policy: c.policy, winner: c.winner, result: c.result, at: now,
      })
    }
    if (plan.attention.length > 0) {
      await deps.state.setAttention({ bookId: pair.bookId, kind, crdtId: pair.crdtId, issues: plan.attention, at: now })
    } else settledIds.push(pair.crdtId)
    const wroteCrm = !!(plan.crm || plan.crmArchive)
    if (wroteCrm && pair.since !== undefined) deps.events.lag('toCrm', now - pair.since)
    if (plan.book && pair.crm) deps.events.lag('fromCrm', now - pair.crm.modifiedAt)
    if (!plan.book && !wroteCrm && pair.crm && pair.state?.crmModifiedAt != null && pair.crm.modifiedAt > pair.state.crmModifiedAt) {
      deps.events.echo(1)
    }
  }
  if (states.length > 0) await deps.state.putRecords(states)
  if (conflicts.length > 0) {
    await deps.state.addConflicts(conflicts)
    deps.events.conflict(conflicts.length)
  }
  if (settledIds.length > 0) await deps.state.clearAttention(kind, settledIds)
  return { settled: states.length, retry, deferred }
}
