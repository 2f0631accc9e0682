// The drift repair: walks every CRM record (list paging, no search cap) and every book record,
// compares each one with its last agreed state, and hands whatever differs, is new, or vanished
// on one side to the normal reconcile. The book half alone runs at start-up, so book edits made
// while the bridge was down are pushed.
//
// Most records are in step, so the comparison is made cheap where it can be trusted:
// - CRM side: a record whose hs_lastmodifieddate equals the one stored when it was last agreed has
//   not been written since (HubSpot stamps every property write, by any user, app, workflow or
//   import, with a new hs_lastmodifieddate), so it is skipped without hashing. A record whose time
//   differs is hashed and compared as before.
// - Book side: content hashes are cached per customer and dropped by the document's own observer on
//   any change (book-record-hashes.ts), so only customers changed since the last pass are re-read;
//   a book asleep since its last listing is not woken (kept-book-hashes.ts).
// A verifying pass hashes everything on both sides: the first pass, the first after the field map
// changed, and at least once every VERIFY_EVERY_MS (sync-passes.ts).
import type { RecordSummary } from './bridge-state-store'
import type { CrmAdapter, CrmObject } from './crm-adapter'
import { BRIDGE_KINDS, CRM_TYPE, RECORD_ID_PROPERTY, propertiesToRead, type BridgeKind } from './field-map'
import type { ReconcileDeps, ReconcileItem } from './reconcile-deps'
import { crmHashOf } from './reconciler'

export interface BookSideItem {
  readonly kind: BridgeKind
  readonly crdtId: string
  readonly bookId: string
  readonly parentId: string | null
}

/** How a pass compares: `verify` hashes every record on both sides instead of trusting times and caches. */
export interface ScanOptions {
  readonly verify?: boolean
  /** The bridge's state of the records (at least those of the kind or books scanned), when already read and still current. */
  readonly states?: readonly RecordSummary[]
}

/** States by kind, then by record id (the state store keeps one per kind and id). */
export function byKindAndId(summaries: readonly RecordSummary[]): Record<BridgeKind, Map<string, RecordSummary>> {
  const out = { company: new Map(), contact: new Map(), deal: new Map() } as Record<BridgeKind, Map<string, RecordSummary>>
  for (const s of summaries) out[s.kind].set(s.crdtId, s)
  return out
}

/** Book records that differ from their agreed state, are not linked yet, or disappeared. */
export async function scanBooks(deps: ReconcileDeps, o: ScanOptions & { books?: readonly string[] } = {}): Promise<BookSideItem[]> {
  const out: BookSideItem[] = []
  for (const bookId of o.books ?? deps.books.reachableBooks()) {
    const summaries = o.states ? o.states.filter((s) => s.bookId === bookId) : await deps.state.listSummaries({ bookId })
    // Looked up by kind, then id: no key strings to build and hash for every record of every pass.
    const states = byKindAndId(summaries)
    const matched = new Set<RecordSummary>()
    for (const rec of await deps.books.recordHashes(bookId, o.verify === true)) {
      const st = states[rec.kind].get(rec.crdtId)
      if (!st) {
        if (!rec.archived) out.push({ kind: rec.kind, crdtId: rec.crdtId, bookId, parentId: rec.parentId })
        continue
      }
      matched.add(st)
      if (rec.archived !== st.archived || (!rec.archived && rec.hash !== st.bookHash) || !st.agreed) {
        out.push({ kind: rec.kind, crdtId: rec.crdtId, bookId, parentId: rec.parentId })
      }
    }
    for (const st of summaries) {
      if (!matched.has(st) && !st.archived) out.push({ kind: st.kind, crdtId: st.crdtId, bookId, parentId: st.parentId })
    }
  }
  return out
}

/**
 * The CRM half: `onChanged` gets, page by page, CRM records that are new or differ from their
 * agreed state; the result lists linked records the CRM no longer has live.
 */
export async function scanCrm(
  deps: ReconcileDeps,
  kind: BridgeKind,
  onChanged: (items: ReconcileItem[]) => Promise<void>,
  o: ScanOptions & { pageSize?: number } = {},
): Promise<ReconcileItem[]> {
  // HubSpot's list endpoint returns at most 100 records a page.
  const pageSize = o.pageSize ?? 100
  const type = CRM_TYPE[kind]
  const states = o.states ? o.states.filter((s) => s.kind === kind) : await deps.state.listSummaries({ kind })
  const byCrm = new Map<string, RecordSummary>()
  const byCrdt = new Map<string, RecordSummary>()
  for (const s of states) {
    if (s.crmId) byCrm.set(s.crmId, s)
    byCrdt.set(s.crdtId, s)
  }
  const seen = new Set<string>()
  const verify = o.verify === true
  const properties = propertiesToRead(deps.map, kind)
  type Page = Awaited<ReturnType<CrmAdapter['listPage']>>
  const list = (after: string | undefined): Promise<Page> => deps.crm.listPage(type, { limit: pageSize, properties, ...(after ? { after } : {}) })
  let next: Promise<Page> | null = list(undefined)
  while (next) {
    const page: Page = await next
    // The next page is fetched while this one is compared.
    next = page.after ? list(page.after) : null
    next?.catch(() => {}) // awaited (and its failure thrown) on the next turn, unless onChanged throws first
    const changed: CrmObject[] = []
    for (const rec of page.results) {
      seen.add(rec.id)
      const st = byCrm.get(rec.id) ?? byCrdt.get(rec.properties[RECORD_ID_PROPERTY] ?? '')
      if (!verify && st && unchangedSinceAgreed(st, rec)) {
        deps.events.crmSeen(kind, st.crdtId, st.crmHash)
        continue
      }
      const hash = crmHashOf(deps, kind, rec)
      if (st) deps.events.crmSeen(kind, st.crdtId, hash)
      if (!st || st.archived || st.crmHash !== hash || st.crmId !== rec.id || !st.agreed) changed.push(rec)
    }
    if (changed.length > 0) await onChanged(changed.map((crm) => ({ kind, crm })))
  }
  return states
    .filter((s) => s.crmId && !s.archived && !seen.has(s.crmId))
    .map((s) => ({ kind, crdtId: s.crdtId, bookId: s.bookId, parentId: s.parentId, crmId: s.crmId as string }))
}

/**
 * The CRM record has not been written since the two sides last agreed on it: same record, agreed
 * and live then, and the CRM's modified time is exactly the one stored with that agreement (the
 * time of the version whose hash is `crmHash`).
 */
export function unchangedSinceAgreed(st: RecordSummary, crm: CrmObject): boolean {
  return st.agreed && !st.archived && st.crmId === crm.id && st.crmHash !== null
    && st.crmModifiedAt !== null && crm.modifiedAt > 0 && st.crmModifiedAt === crm.modifiedAt
}

export const KINDS_IN_ORDER: readonly BridgeKind[] = BRIDGE_KINDS
