// Presence entries as the relay passes them on: identity fields stamped from the token, and a
// connection may only speak for the awareness client ids it introduced itself.
import type { AwarenessEntry } from '@crm-sync/protocol'
import type { Identity } from '../auth/identity'

/** How many awareness client ids one connection may own (one per tab/doc is normal). */
export const MAX_CLIENT_IDS_PER_CONNECTION = 16

export interface PresenceOwnership {
  /** Owner of each awareness client id in the book. */
  readonly owners: Map<number, object>
}

/**
 * Returns the entries this connection may publish, with `user.id` and `user.name` replaced by
 * the server's view of who it is. Entries for client ids owned by another connection are dropped.
 */
export const stampPresence = (
  entries: readonly AwarenessEntry[],
  identity: Identity,
  owner: object,
  owned: Set<number>,
  book: PresenceOwnership,
): AwarenessEntry[] => {
  const accepted: AwarenessEntry[] = []
  for (const entry of entries) {
    const current = book.owners.get(entry.clientId)
    if (current !== undefined && current !== owner) continue
    if (current === undefined) {
      if (owned.size >= MAX_CLIENT_IDS_PER_CONNECTION) continue
      book.owners.set(entry.clientId, owner)
      owned.add(entry.clientId)
    }
    if (entry.state === null) {
      accepted.push(entry)
      continue
    }
    const user = typeof entry.state['user'] === 'object' && entry.state['user'] !== null ? entry.state['user'] : {}
    accepted.push({ ...entry, state: { ...entry.state, user: { ...user, id: identity.userId, name: identity.name } } })
  }
  return accepted
}
