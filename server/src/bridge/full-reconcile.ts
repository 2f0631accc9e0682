// The drift repair: walks every CRM record (list paging, no search cap) and every book record,
// compares each one's content hash with the hash of its last agreed state, and hands whatever
// differs, is new, or vanished on one side to the normal reconcile. The book half alone runs at
// start-up, so book edits made while the bridge was down are pushed.
import { listBookRecords } from './book-records'
import type { RecordSummary } from './bridge-state-store'
import type { CrmAdapter, CrmObject } from './crm-adapter'
import { BRIDGE_KINDS, CRM_TYPE, RECORD_ID_PROPERTY, propertiesToRead, type BridgeKind } from './field-map'
import { recordHash } from './record-hash'
import type { ReconcileDeps, ReconcileItem } from './reconcile-deps'
import { crmHashOf } from './reconciler'

export interface BookSideItem {
  readonly kind: BridgeKind
  readonly crdtId: string
  readonly bookId: string
  readonly parentId: string | null
}

export function bookHashOf(deps: ReconcileDeps, kind: BridgeKind, values: Readonly<Record<string, string | null>>): string {
  return recordHash(Object.fromEntries(deps.map[kind].map((m) => [m.field, values[m.field] ?? null])))
}

/** Book records that differ from their agreed state, are not linked yet, or disappeared. */
export async function scanBooks(deps: ReconcileDeps): Promise<BookSideItem[]> {
  const out: BookSideItem[] = []
  for (const bookId of deps.books.reachableBooks()) {
    const doc = await deps.books.doc(bookId)
    const states = new Map((await deps.state.listSummaries({ bookId })).map((s) => [`${s.kind}:${s.crdtId}`, s]))
    const present = new Set<string>()
    for (const rec of listBookRecords(doc)) {
      const key = `${rec.kind}:${rec.crdtId}`
      present.add(key)
      const st = states.get(key)
      if (!st) {
        if (!rec.archived) out.push({ kind: rec.kind, crdtId: rec.crdtId, bookId, parentId: rec.parentId })
        continue
      }
      if (rec.archived !== st.archived || (!rec.archived && bookHashOf(deps, rec.kind, rec.values) !== st.bookHash) || !st.agreed) {
        out.push({ kind: rec.kind, crdtId: rec.crdtId, bookId, parentId: rec.parentId })
      }
    }
    for (const [key, st] of states) {
      if (!present.has(key) && !st.archived) out.push({ kind: st.kind, crdtId: st.crdtId, bookId, parentId: st.parentId })
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
  pageSize = 100,
): Promise<ReconcileItem[]> {
  const type = CRM_TYPE[kind]
  const states = await deps.state.listSummaries({ kind })
  const byCrm = new Map<string, RecordSummary>()
  const byCrdt = new Map<string, RecordSummary>()
  for (const s of states) {
    if (s.crmId) byCrm.set(s.crmId, s)
    byCrdt.set(s.crdtId, s)
  }
  const seen = new Set<string>()
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
    for (const o of page.results) {
      seen.add(o.id)
      const st = byCrm.get(o.id) ?? byCrdt.get(o.properties[RECORD_ID_PROPERTY] ?? '')
      const hash = crmHashOf(deps, kind, o)
      if (st) deps.events.crmSeen(kind, st.crdtId, hash)
      if (!st || st.archived || st.crmHash !== hash || st.crmId !== o.id || !st.agreed) changed.push(o)
    }
    if (changed.length > 0) await onChanged(changed.map((crm) => ({ kind, crm })))
  }
  return states
    .filter((s) => s.crmId && !s.archived && !seen.has(s.crmId))
    .map((s) => ({ kind, crdtId: s.crdtId, bookId: s.bookId, parentId: s.parentId, crmId: s.crmId as string }))
}

export const KINDS_IN_ORDER: readonly BridgeKind[] = BRIDGE_KINDS
