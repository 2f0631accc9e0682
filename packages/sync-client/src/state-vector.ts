// Comparing Yjs state vectors: does one document state include everything another one has seen?
// The projection records the state vector it reflects, and is trusted on load only if it matches.
import * as Y from 'yjs'

/** Whether the state `a` includes every update of the state `b` (per client, a's clock ≥ b's). */
export const dominates = (a: Uint8Array, b: Uint8Array): boolean => {
  const da = Y.decodeStateVector(a)
  for (const [client, clock] of Y.decodeStateVector(b)) if ((da.get(client) ?? 0) < clock) return false
  return true
}

export const sameStateVector = (a: Uint8Array, b: Uint8Array): boolean => dominates(a, b) && dominates(b, a)

/** Whether the state is that of a document nothing was ever written to. */
export const isEmptyStateVector = (stateVector: Uint8Array): boolean => Y.decodeStateVector(stateVector).size === 0
