// Applying updates whose bytes we already hold (read from IndexedDB, received from the relay or
// another tab) without Yjs encoding the whole transaction again for the doc's 'update' listeners.
// Yjs re-encodes every transaction that has an 'update' listener; for a 10,000-customer book
// loaded or synced in one piece that is the whole 16 MiB a second time (≈180 ms in Node, 220–300 ms
// in Chromium) to hand listeners bytes equivalent to the ones just applied. Yjs has no option to
// skip that encoding, so for the one transaction we start here the listeners are held aside
// while Yjs would encode, and get the applied bytes themselves instead.
import * as Y from 'yjs'

type UpdateListener = (update: Uint8Array, origin: unknown, doc: Y.Doc, transaction: Y.Transaction) => void

/** The doc's named listeners: lib0's Observable keeps them as `_observers`, a Map of Sets. */
const listenersOf = (doc: Y.Doc): Map<string, Set<UpdateListener>> | null => {
  const observers = (doc as unknown as { _observers?: unknown })._observers
  return observers instanceof Map ? (observers as Map<string, Set<UpdateListener>>) : null
}

/** What Yjs checks before it emits 'update': did the transaction add or delete anything? */
const changedDocument = (t: Y.Transaction): boolean => {
  if (t.deleteSet.clients.size > 0) return true
  for (const [client, clock] of t.afterState) if (t.beforeState.get(client) !== clock) return true
  return false
}

/** Structs or deletions waiting for updates not yet seen: they are in the applied bytes only. */
const hasPending = (doc: Y.Doc): boolean => doc.store.pendingStructs !== null || doc.store.pendingDs !== null

/**
 * Applies `updates` in one transaction with `origin`. Each 'update' listener then receives every
 * applied update as it is, in order (update, origin, doc, transaction), instead of Yjs' encoding
 * of the transaction: the same changes, possibly with parts the document already had (applying
 * them again changes nothing). They are emitted when the document changed or kept any of them
 * pending, so a listener that stores what it is given stores everything the document will hold.
 *
 * Falls back to plain `Y.applyUpdate` (Yjs encodes as usual) inside another transaction, when an
 * update throws, and if Yjs' listener registry is not the one this was written for.
 */
export function applyKnownUpdates(doc: Y.Doc, updates: readonly Uint8Array[], origin: unknown): void {
  const listeners = listenersOf(doc)
  const nested = (doc as unknown as { _transaction: unknown })._transaction !== null
  if (!listeners || nested) {
    doc.transact(() => {
      for (const u of updates) Y.applyUpdate(doc, u)
    }, origin)
    return
  }
  let ours: Y.Transaction | null = null
  let failed = false
  let held: Set<UpdateListener> | undefined
  let emitFor: Y.Transaction | null = null

  /** Puts the held listeners back (before any added meanwhile) and gives them the applied bytes. */
  const release = (): void => {
    if (!held) return
    const added = listeners.get('update')
    if (added) for (const fn of added) held.add(fn)
    listeners.set('update', held)
    held = undefined
    const t = emitFor
    emitFor = null
    if (t && (changedDocument(t) || hasPending(doc))) for (const u of updates) doc.emit('update', [u, origin, doc, t])
  }
  // Emitted for each transaction right before Yjs decides whether to encode it. Transactions that
  // observers start during ours come after it, so ours is released before they are encoded.
  const onCleanup = (t: Y.Transaction): void => {
    release()
    if (t !== ours || failed) return
    const current = listeners.get('update')
    if (!current) return
    held = current
    emitFor = t
    listeners.delete('update')
  }
  doc.on('afterTransactionCleanup', onCleanup)
  try {
    doc.transact((t) => {
      ours = t
      try {
        for (const u of updates) Y.applyUpdate(doc, u)
      } catch (e) {
        failed = true
        throw e
      }
    }, origin)
  } finally {
    doc.off('afterTransactionCleanup', onCleanup)
    release()
  }
}
