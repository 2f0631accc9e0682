// The two CRM-side passes of the bridge's loop: the scheduled (or webhook-triggered)
// incremental pull of every object type, and the full reconcile that repairs drift. Both hand
// what they find, batch by batch, to the same `process` (reconcile + outbox bookkeeping).
import { chunk } from './batch-runner'
import type { BridgeMetrics } from './bridge-metrics'
import { CRM_BATCH_LIMIT } from './crm-adapter'
import { BRIDGE_KINDS, CRM_TYPE, propertiesToRead, type BridgeKind } from './field-map'
import { scanBooks, scanCrm, type BookSideItem } from './full-reconcile'
import { pullIncremental } from './incremental-pull'
import type { RecordSummary } from './bridge-state-store'
import { recordHash } from './record-hash'
import type { ReconcileDeps, ReconcileItem } from './reconcile-deps'

/**
 * A full reconcile hashes every record on both sides (instead of trusting unchanged
 * hs_lastmodifieddate times and the book's hash cache) the first time, whenever the field map
 * changed, and at least this often: a backstop for changes that bypass HubSpot's modified time.
 */
export const VERIFY_EVERY_MS = 24 * 60 * 60 * 1000
const VERIFIED_CURSOR = 'full-reconcile:verified'

export type ProcessBatch = (kind: BridgeKind, items: ReconcileItem[]) => Promise<void>

/** Companies first, so contacts and deals find their company linked. Returns records fetched. */
export async function pullPass(deps: ReconcileDeps, o: { overlapMs: number; metrics: BridgeMetrics; process: ProcessBatch }): Promise<number> {
  let fetched = 0
  for (const kind of BRIDGE_KINDS) {
    const type = CRM_TYPE[kind]
    fetched += await pullIncremental({
      crm: deps.crm, state: deps.state, type, properties: propertiesToRead(deps.map, kind), overlapMs: o.overlapMs, now: deps.now,
      onPage: async (records) => {
        o.metrics.pulled.inc({ type }, records.length)
        // A whole search page at once: the fixed costs of a reconcile (book transaction, relay
        // acknowledgement, state commit) are paid per batch, and the CRM calls are split anyway.
        await o.process(kind, records.map((crm) => ({ kind, crm })))
      },
    })
  }
  return fetched
}

/** Names the field map: hashes stored under another map compare different properties. */
const mapFingerprint = (deps: ReconcileDeps): string =>
  recordHash(Object.fromEntries(BRIDGE_KINDS.map((k) => [k, deps.map[k].map((m) => `${m.field}>${m.property}`).join(',')])))

/** Whether this pass must verify: no verified pass recorded, another field map, or the last one too old. */
export async function verifyDue(deps: ReconcileDeps, everyMs = VERIFY_EVERY_MS): Promise<boolean> {
  const raw = await deps.state.getCursor(VERIFIED_CURSOR)
  if (!raw) return true
  let last: { at?: unknown; map?: unknown }
  try {
    last = JSON.parse(raw) as typeof last
  } catch {
    return true // unreadable: verify, and the pass writes a good one
  }
  return last.map !== mapFingerprint(deps) || typeof last.at !== 'number' || deps.now() - last.at >= everyMs
}

/**
 * Reconciles every CRM record that drifted; returns the book records that need a push. A
 * verifying pass (see VERIFY_EVERY_MS) hashes every record and is recorded when it completes.
 */
export async function fullReconcilePass(
  deps: ReconcileDeps,
  o: { metrics: BridgeMetrics; process: ProcessBatch; verify: boolean },
): Promise<BookSideItem[]> {
  const started = deps.now()
  // One read of the state serves every scan as long as no reconcile wrote to it (the worker
  // loop is the only writer of records, and it is busy here); after a write, each scan reads afresh.
  let states: RecordSummary[] | null = await deps.state.listSummaries()
  for (const kind of BRIDGE_KINDS) {
    const gone = await scanCrm(deps, kind, async (items) => {
      states = null
      o.metrics.pulled.inc({ type: CRM_TYPE[kind] }, items.length)
      await o.process(kind, items)
    }, { verify: o.verify, ...(states ? { states } : {}) })
    for (const part of chunk(gone, CRM_BATCH_LIMIT)) {
      states = null
      await o.process(kind, part)
    }
  }
  const drifted = await scanBooks(deps, { verify: o.verify, ...(states ? { states } : {}) })
  if (o.verify) await deps.state.setCursor(VERIFIED_CURSOR, JSON.stringify({ at: started, map: mapFingerprint(deps) }))
  return drifted
}
