// The bookkeeping every LocalStore applies with a projection change, whatever its layout: which
// entries are stale, which document state the projection describes, and whether it can still be
// trusted. Shared so that IndexedDB and memory answer the same (runLocalStoreContract checks).
import * as Y from 'yjs'
import type { ProjectionChange, StaleMarks } from './local-store'
import { dominates } from './state-vector'

export interface ProjectionStatus {
  readonly stateVector: Uint8Array
  readonly stale: readonly string[]
  readonly needsRebuild: boolean
}

/**
 * The status after `change`, or null when there is no projection and the change is partial.
 * A change from a document that lacks part of what the stored status describes (another tab
 * wrote in between with changes this one had not seen yet) clears no stale mark, and flags the
 * projection for a rebuild: which of its entries missed those changes is unknown.
 */
export const nextProjectionStatus = (current: ProjectionStatus | null, change: ProjectionChange): ProjectionStatus | null => {
  if (change.replace) return { stateVector: change.stateVector.slice(), stale: [...new Set(change.stale)], needsRebuild: false }
  if (!current) return null
  const stale = new Set(current.stale)
  const caughtUp = dominates(change.stateVector, current.stateVector)
  if (caughtUp) {
    for (const c of change.put) stale.delete(c.id)
    for (const id of change.remove) stale.delete(id)
  }
  for (const id of change.stale) stale.add(id)
  return { stateVector: change.stateVector.slice(), stale: [...stale], needsRebuild: current.needsRebuild || !caughtUp }
}

/**
 * The status with stale marks written beside it without reading it (LocalBatch.staleMarks) folded
 * in: their customers are stale, and the projection now describes the document at the union of
 * the state vectors (every change up to the marks' state is either in an entry or marked stale),
 * unless a mark came from a document that was to rebuild it (then it still must be).
 * Nothing to fold into when there is no projection: marks on their own describe nothing.
 */
export const withStaleMarks = (status: ProjectionStatus | null, marks: readonly StaleMarks[]): ProjectionStatus | null => {
  if (!status || marks.length === 0) return status
  const stale = new Set(status.stale)
  const clocks = Y.decodeStateVector(status.stateVector)
  for (const m of marks) {
    for (const id of m.ids) stale.add(id)
    for (const [client, clock] of Y.decodeStateVector(m.stateVector)) if (clock > (clocks.get(client) ?? 0)) clocks.set(client, clock)
  }
  return { stateVector: Y.encodeStateVector(clocks), stale: [...stale], needsRebuild: status.needsRebuild || marks.some((m) => m.needsRebuild) }
}

export const isStaleMarks = (v: unknown): v is StaleMarks => {
  const m = v as Partial<StaleMarks> | null
  return typeof m === 'object' && m !== null && m.stateVector instanceof Uint8Array && typeof m.needsRebuild === 'boolean' &&
    Array.isArray(m.ids) && m.ids.every((id) => typeof id === 'string')
}
