// After a reconcile: what the outbox still owes. Confirmed records leave it; failed ones stay
// with a backed-off next attempt, until they have failed too often (or for good) and become dead
// letters on the "needs attention" list; records waiting for their company are retried shortly.
import type { BridgeMetrics } from './bridge-metrics'
import type { BridgeStateStore, OutboxEntry } from './bridge-state-store'
import type { BridgeKind } from './field-map'
import type { ReconcileOutcome } from './reconciler'

export async function settleOutbox(o: {
  state: BridgeStateStore
  metrics: BridgeMetrics
  kind: BridgeKind
  outcome: ReconcileOutcome
  /** The outbox entries this reconcile worked on. */
  owed: readonly OutboxEntry[]
  maxAttempts: number
  now: number
  random?: () => number
}): Promise<void> {
  const { state, kind, now } = o
  const random = o.random ?? Math.random
  const open = new Map(o.owed.map((e) => [e.crdtId, e]))
  const keep: OutboxEntry[] = []
  for (const r of o.outcome.retry) {
    const prev = open.get(r.crdtId)
    const attempts = (prev?.attempts ?? 0) + 1
    o.metrics.errors.inc({ kind: r.permanent ? 'permanent' : 'retry' })
    if (r.permanent || attempts >= o.maxAttempts) {
      await state.addDeadLetter({ kind, crdtId: r.crdtId, bookId: r.bookId, code: r.permanent ? 'rejected' : 'gave-up', message: r.error, payload: { attempts }, at: now })
      await state.setAttention({ bookId: r.bookId, kind, crdtId: r.crdtId, issues: [{ field: '', value: null, reason: r.error }], at: now })
      continue
    }
    const backoff = Math.min(60_000, 500 * 2 ** (attempts - 1)) * (0.5 + random() / 2)
    keep.push({ kind, crdtId: r.crdtId, bookId: r.bookId, enqueuedAt: prev?.enqueuedAt ?? now, attempts, nextAttemptAt: now + backoff, lastError: r.error })
  }
  for (const d of o.outcome.deferred) {
    // Not a failure, so never a dead letter; but a company held back for a long time (on the
    // attention list, say) must not keep its contacts and deals spinning.
    const prev = open.get(d.crdtId)
    const attempts = (prev?.attempts ?? 0) + 1
    keep.push({
      kind, crdtId: d.crdtId, bookId: d.bookId, enqueuedAt: prev?.enqueuedAt ?? now, attempts,
      nextAttemptAt: now + Math.min(60_000, 250 * 2 ** Math.min(attempts, 8)), lastError: 'waiting for its company to reach the CRM',
    })
  }
  const kept = new Set(keep.map((e) => e.crdtId))
  const done = o.owed.filter((e) => !kept.has(e.crdtId))
  if (done.length > 0) await state.deleteOutbox(done.map((e) => ({ kind, crdtId: e.crdtId })))
  if (keep.length > 0) await state.putOutbox(keep)
}
