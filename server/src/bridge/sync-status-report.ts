// The bridge's own health figures, computed on demand for GET /api/sync/status and the
// consistency gauge: the share of linked records whose book and CRM sides both still hash to
// their agreed state, sync lag per direction, queue depth, errors.
import type { HashedBookRecord } from './book-record-hashes'
import type { BridgeMetrics } from './bridge-metrics'
import { recordKey } from './bridge-state-store'
import { BRIDGE_KINDS, type BridgeKind } from './field-map'
import type { LagFigures, LagTracker } from './lag-tracker'
import type { ReconcileDeps } from './reconcile-deps'

export interface ConsistencyFigures {
  /** Share of linked live records in step on both sides (1 when there are none). */
  readonly ratio: number
  readonly linked: number
  readonly consistent: number
  readonly byKind: Record<BridgeKind, { linked: number; consistent: number }>
}

export interface SyncStatusReport {
  readonly running: boolean
  readonly crm: string
  readonly books: string[]
  readonly consistency: ConsistencyFigures
  readonly lag: { readonly toCrm: LagFigures; readonly fromCrm: LagFigures }
  readonly queue: { readonly changes: number; readonly outbox: number }
  /** Errors since start by kind (CRM failures, retries, permanent failures, failed rounds). */
  readonly errors: { readonly total: number; readonly byKind: Record<string, number>; readonly crmRetries: number }
  readonly deadLetters: number
  readonly attention: number
  readonly conflicts: number
  readonly lastPullAt: string | null
  readonly lastFullReconcileAt: string | null
  readonly lastError: string | null
}

/**
 * The report as one caller may see it: only the bridged books they are a member of, and the last
 * round's error only when there is at least one (its message may name any book). The other
 * figures are bridge-wide totals that name no book.
 */
export function reportFor(report: SyncStatusReport, memberOf: ReadonlySet<string>): SyncStatusReport {
  const books = report.books.filter((b) => memberOf.has(b))
  return { ...report, books, lastError: books.length > 0 ? report.lastError : null }
}

export async function measureConsistency(deps: ReconcileDeps, books: readonly string[], crmSeen: ReadonlyMap<string, string | null>): Promise<ConsistencyFigures> {
  const byKind = Object.fromEntries(BRIDGE_KINDS.map((k) => [k, { linked: 0, consistent: 0 }])) as Record<BridgeKind, { linked: number; consistent: number }>
  for (const bookId of books) {
    const current = { company: new Map(), contact: new Map(), deal: new Map() } as Record<BridgeKind, Map<string, HashedBookRecord>>
    for (const r of await deps.books.recordHashes(bookId)) current[r.kind].set(r.crdtId, r)
    for (const st of await deps.state.listSummaries({ bookId })) {
      if (st.archived || !st.crmId || !st.agreed) continue
      const key = recordKey(st.kind, st.crdtId)
      const rec = current[st.kind].get(st.crdtId)
      const bookOk = !!rec && !rec.archived && rec.hash === st.bookHash
      const seen = crmSeen.get(key)
      const crmOk = (seen === undefined ? st.crmHash : seen) === st.crmHash
      byKind[st.kind].linked++
      if (bookOk && crmOk) byKind[st.kind].consistent++
    }
  }
  const linked = BRIDGE_KINDS.reduce((n, k) => n + byKind[k].linked, 0)
  const consistent = BRIDGE_KINDS.reduce((n, k) => n + byKind[k].consistent, 0)
  return { ratio: linked === 0 ? 1 : consistent / linked, linked, consistent, byKind }
}

export async function buildStatus(o: {
  deps: ReconcileDeps
  books: string[]
  crmSeen: ReadonlyMap<string, string | null>
  lag: { toCrm: LagTracker; fromCrm: LagTracker }
  queued: number
  lastPullAt: number | null
  lastFullAt: number | null
  lastError: string | null
  metrics: BridgeMetrics
  running: boolean
}): Promise<SyncStatusReport> {
  const consistency = await measureConsistency(o.deps, o.books, o.crmSeen)
  o.metrics.consistency.set(consistency.ratio)
  for (const k of BRIDGE_KINDS) o.metrics.linkedRecords.set({ kind: k }, consistency.byKind[k].linked)
  const counts = await o.deps.state.counts()
  const byKind: Record<string, number> = {}
  for (const v of (await o.metrics.errors.get()).values) byKind[String(v.labels['kind'])] = v.value
  const crmRetries = (await o.metrics.crmRetries.get()).values.reduce((n, v) => n + v.value, 0)
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
  return {
    running: o.running,
    crm: o.deps.crm.name,
    books: o.books,
    consistency,
    lag: { toCrm: o.lag.toCrm.figures(), fromCrm: o.lag.fromCrm.figures() },
    queue: { changes: o.queued, outbox: counts.outbox },
    errors: { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind, crmRetries },
    deadLetters: counts.deadLetters,
    attention: counts.attention,
    conflicts: counts.conflicts,
    lastPullAt: iso(o.lastPullAt),
    lastFullReconcileAt: iso(o.lastFullAt),
    lastError: o.lastError,
  }
}
