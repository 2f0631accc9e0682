// The two CRM-side passes of the bridge's loop: the scheduled (or webhook-triggered)
// incremental pull of every object type, and the full reconcile that repairs drift. Both hand
// what they find, batch by batch, to the same `process` (reconcile + outbox bookkeeping).
import { chunk } from './batch-runner'
import type { BridgeMetrics } from './bridge-metrics'
import { CRM_BATCH_LIMIT } from './crm-adapter'
import { BRIDGE_KINDS, CRM_TYPE, propertiesToRead, type BridgeKind } from './field-map'
import { scanBooks, scanCrm, type BookSideItem } from './full-reconcile'
import { pullIncremental } from './incremental-pull'
import type { ReconcileDeps, ReconcileItem } from './reconcile-deps'

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

/** Reconciles every CRM record that drifted; returns the book records that need a push. */
export async function fullReconcilePass(deps: ReconcileDeps, o: { metrics: BridgeMetrics; process: ProcessBatch }): Promise<BookSideItem[]> {
  for (const kind of BRIDGE_KINDS) {
    const gone = await scanCrm(deps, kind, async (items) => {
      o.metrics.pulled.inc({ type: CRM_TYPE[kind] }, items.length)
      await o.process(kind, items)
    })
    for (const part of chunk(gone, CRM_BATCH_LIMIT)) await o.process(kind, part)
  }
  return scanBooks(deps)
}
