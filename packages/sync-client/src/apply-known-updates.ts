// Applying updates whose bytes we already hold (read from IndexedDB, received from the relay or
// another tab) without Yjs encoding the whole transaction again for the doc's 'update' listeners.
// Yjs re-encodes every transaction that has an 'update' listener; for a 10,000-customer book
// loaded or synced in one piece that is the whole 16 MiB a second time (≈180 ms in Node, ≈0.4 s in
// Chromium) to hand listeners bytes equivalent to the ones just applied. Yjs has no option to
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
 * update throws, with 'updateV2' listeners or subdocuments, and if Yjs' listener registry is not
 * the one this was written for.
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

  // While held, a listener removed (by another 'afterTransactionCleanup' listener) stays removed.
  const ownOff = Object.getOwnPropertyDescriptor(doc, 'off')
  const off = doc.off
  const offWhileHeld = (name: string, fn: UpdateListener): void => {
    if (name === 'update') held?.delete(fn)
    off.call(doc, name as 'update', fn)
  }
  const restoreOff = (): void => {
    if (ownOff) Object.defineProperty(doc, 'off', ownOff)
    else delete (doc as unknown as { off?: unknown }).off // the prototype's again
  }

  /** Puts the held listeners back (before any added meanwhile) and gives them the applied bytes. */
  const release = (): void => {
    if (!held) return
    restoreOff()
    const added = listeners.get('update')
    if (added) for (const fn of added) held.add(fn)
    if (held.size > 0) listeners.set('update', held)
    held = undefined
    const t = emitFor
    emitFor = null
    if (t && (changedDocument(t) || hasPending(doc))) for (const u of updates) doc.emit('update', [u, origin, doc, t])
  }
  // Yjs emits 'afterTransactionCleanup' right before it decides whether to encode a transaction
  // for 'update' listeners: ours are held from there. They are back, and given our bytes, before
  // anything else of note happens: the observers of a transaction that ours started
  // ('beforeObserverCalls') or the end of the chain ('afterAllTransactions'), as Yjs' own
  // 'update' would have come first.
  const hold = (t: Y.Transaction): void => {
    // 'updateV2' and 'subdocs' come after 'update' within the same step: not held, to keep that order.
    const subdocs = t.subdocsAdded.size + t.subdocsRemoved.size + t.subdocsLoaded.size > 0
    if (t !== ours || failed || subdocs || listeners.has('updateV2')) return
    const current = listeners.get('update')
    if (!current) return
    held = current
    emitFor = t
    listeners.delete('update')
    doc.off = offWhileHeld as typeof doc.off
  }
  doc.on('afterTransactionCleanup', hold)
  doc.on('beforeObserverCalls', release)
  doc.on('afterAllTransactions', release)
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
    release()
    doc.off('afterTransactionCleanup', hold)
    doc.off('beforeObserverCalls', release)
    doc.off('afterAllTransactions', release)
  }
}
