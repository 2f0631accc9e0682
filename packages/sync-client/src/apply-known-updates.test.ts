// applyKnownUpdates hands 'update' listeners the bytes that were applied instead of Yjs'
// re-encoding of the transaction, and otherwise behaves like Y.applyUpdate in a transaction:
// same document, same listeners afterwards, nothing a listener would need to store left out.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applyKnownUpdates } from './apply-known-updates'

type Seen = { update: Uint8Array; origin: unknown; local: boolean }

const record = (doc: Y.Doc): Seen[] => {
  const seen: Seen[] = []
  doc.on('update', (update: Uint8Array, origin: unknown, _doc: Y.Doc, t: Y.Transaction) => seen.push({ update, origin, local: t.local }))
  return seen
}

/** Two updates from another device: a customer, then an edit to it (the second depends on the first). */
const remoteEdits = (): { doc: Y.Doc; first: Uint8Array; second: Uint8Array } => {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const customer = doc.getMap('customers').set('c1', new Y.Map<unknown>())
  customer.set('name', 'Acme')
  customer.set('notes', new Y.Text('first call'))
  customer.set('name', 'Acme GmbH') // a deletion too
  const [first, second] = [Y.mergeUpdates(updates.slice(0, 3)), updates[3]!]
  return { doc, first, second }
}

/** A document rebuilt from what a listener was given: what a store of those updates would load. */
const replay = (seen: readonly Seen[]): Y.Doc => {
  const replica = new Y.Doc()
  for (const s of seen) Y.applyUpdate(replica, s.update)
  return replica
}

const same = (a: Y.Doc, b: Y.Doc): void => {
  expect(Y.encodeStateVector(a)).toEqual(Y.encodeStateVector(b))
  expect(a.getMap('customers').toJSON()).toEqual(b.getMap('customers').toJSON())
}

describe('applyKnownUpdates', () => {
  it('gives listeners the applied bytes themselves, in order, with the origin and transaction', () => {
    const { doc: source, first, second } = remoteEdits()
    const doc = new Y.Doc()
    const seen = record(doc)
    const origin = Symbol('load')
    applyKnownUpdates(doc, [first, second], origin)
    expect(seen.map((s) => s.update)).toEqual([first, second])
    expect(seen[0]!.update).toBe(first) // not an encoding of the transaction: the same object
    expect(seen.every((s) => s.origin === origin)).toBe(true)
    same(doc, source)
    // What a listener stored rebuilds the document.
    same(replay(seen), source)
  })

  it('emits nothing for updates the document already holds, as Yjs would not', () => {
    const { first } = remoteEdits()
    const doc = new Y.Doc()
    Y.applyUpdate(doc, first)
    const seen = record(doc)
    applyKnownUpdates(doc, [first], 'again')
    expect(seen).toEqual([])
  })

  it('emits an update whose dependencies are missing, so a listener storing it loses nothing', () => {
    const { doc: source, first, second } = remoteEdits()
    const doc = new Y.Doc()
    const seen = record(doc)
    applyKnownUpdates(doc, [second], 'relay') // kept pending by Yjs: nothing changes yet
    expect(doc.getMap('customers').size).toBe(0)
    expect(seen.map((s) => s.update)).toEqual([second])
    applyKnownUpdates(doc, [first], 'relay')
    same(doc, source)
    same(replay(seen), source)
  })

  it('leaves the listeners as they were, first one first, and later edits emit as usual', () => {
    const { first } = remoteEdits()
    const doc = new Y.Doc()
    const calls: string[] = []
    const a = (): void => void calls.push('a')
    const b = (): void => void calls.push('b')
    doc.on('update', a)
    doc.on('update', b)
    applyKnownUpdates(doc, [first], 'load')
    expect(calls).toEqual(['a', 'b'])
    doc.getMap('customers').set('c2', new Y.Map())
    expect(calls).toEqual(['a', 'b', 'a', 'b'])
    doc.off('update', a)
    doc.off('update', b)
    doc.getMap('customers').set('c3', new Y.Map())
    expect(calls).toHaveLength(4)
  })

  it('emits an observer’s own edit after the applied bytes, as its own local update', () => {
    const { first } = remoteEdits()
    const doc = new Y.Doc()
    const seen = record(doc)
    let added: (() => void) | null = null
    // An app reacting to a remote change by writing (e.g. stamping when it saw the customer).
    doc.getMap('customers').observe((event) => {
      if (event.transaction.origin !== 'relay') return
      doc.getMap('seen').set('c1', 'yes')
      // A listener added inside the held window is kept, too.
      added ??= () => {}
      doc.on('update', added)
    })
    applyKnownUpdates(doc, [first], 'relay')
    expect(seen.map((s) => s.origin)).toEqual(['relay', null])
    expect(seen[0]!.update).toBe(first)
    expect(seen[1]!.local).toBe(true)
    const replica = replay(seen)
    expect(replica.getMap('seen').get('c1')).toBe('yes')
    expect(replica.getMap('customers').toJSON()).toEqual({ c1: { name: 'Acme', notes: 'first call' } })
    expect(((doc as unknown as { _observers: Map<string, Set<unknown>> })._observers.get('update')?.has(added!))).toBe(true)
  })

  it('gives listeners the applied bytes before a transaction its observers started is observed, as Yjs would', () => {
    const { first } = remoteEdits()
    const doc = new Y.Doc()
    const order: string[] = []
    doc.on('update', (_u: Uint8Array, origin: unknown) => order.push(`update from ${String(origin)}`))
    doc.getMap('customers').observe(() => doc.getMap('seen').set('c1', 'yes'))
    doc.getMap('seen').observe(() => order.push('seen observed'))
    applyKnownUpdates(doc, [first], 'relay')
    expect(order).toEqual(['update from relay', 'seen observed', 'update from null'])
  })

  it('keeps a listener removed while held removed', () => {
    const { first } = remoteEdits()
    const doc = new Y.Doc()
    const calls: string[] = []
    const b = (): void => void calls.push('b')
    doc.on('update', b)
    // Another library's cleanup listener, registered after applyKnownUpdates' own, drops b.
    const originalOn = doc.on.bind(doc)
    let dropped = false
    doc.on = ((name: string, fn: (...args: unknown[]) => void) => {
      originalOn(name as 'update', fn as never)
      if (name === 'afterTransactionCleanup' && !dropped) {
        dropped = true
        originalOn('afterTransactionCleanup', () => doc.off('update', b))
      }
    }) as typeof doc.on
    applyKnownUpdates(doc, [first], 'relay')
    doc.on = originalOn as typeof doc.on
    expect(calls).toEqual([])
    doc.getMap('book').set('name', 'later')
    expect(calls).toEqual([])
    expect(Object.prototype.hasOwnProperty.call(doc, 'off')).toBe(false)
  })

  it('with an updateV2 listener, lets Yjs encode as usual', () => {
    const { first } = remoteEdits()
    const doc = new Y.Doc()
    const seen = record(doc)
    doc.on('updateV2', () => {})
    applyKnownUpdates(doc, [first], 'relay')
    expect(seen).toHaveLength(1)
    expect(seen[0]!.update).not.toBe(first)
  })

  it('inside another transaction, emits Yjs’ encoding of the whole of it (nothing of the outer one is lost)', () => {
    const { first } = remoteEdits()
    const doc = new Y.Doc()
    const seen = record(doc)
    doc.transact(() => {
      doc.getMap('book').set('name', 'Outer')
      applyKnownUpdates(doc, [first], 'inner')
    }, 'outer')
    expect(seen).toHaveLength(1)
    expect(seen[0]!.origin).toBe('outer')
    const replica = replay(seen)
    expect(replica.getMap('book').get('name')).toBe('Outer')
    expect(replica.getMap('customers').has('c1')).toBe(true)
  })

  it('when an update throws, emits what Yjs applied before it and rethrows, listeners intact', () => {
    const { first } = remoteEdits()
    const truncated = first.subarray(0, first.length - 5)
    const doc = new Y.Doc()
    const seen = record(doc)
    expect(() => applyKnownUpdates(doc, [first, truncated], 'relay')).toThrow()
    expect(seen).toHaveLength(1)
    expect(seen[0]!.update).not.toBe(first) // Yjs' own encoding: the truncated bytes are never handed on
    const replica = replay(seen)
    expect(replica.getMap('customers').has('c1')).toBe(true)
    doc.getMap('book').set('name', 'after')
    expect(seen).toHaveLength(2)
  })
})
