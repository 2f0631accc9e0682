// The bookkeeping every LocalStore applies with a projection change, whatever its layout: which
// entries are stale, which document state the projection describes, and whether it can still be
// trusted. Shared so that IndexedDB and memory answer the same (runLocalStoreContract checks).
import type { ProjectionChange } from './local-store'
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
