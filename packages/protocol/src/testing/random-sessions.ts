// Random editing sessions of three devices, for property tests of code that reads Yjs updates
// (here and in the relay): map keys set and deleted, text typed and cut (so deleted and
// garbage-collected ranges), devices syncing with each other. Test code only (fast-check).
import fc from 'fast-check'
import * as Y from 'yjs'

export type SessionOp =
  | { kind: 'set'; doc: number; key: string; value: number }
  | { kind: 'delete'; doc: number; key: string }
  | { kind: 'insert'; doc: number; at: number; text: string }
  | { kind: 'cut'; doc: number; at: number; length: number }
  | { kind: 'sync'; from: number; to: number }

/** One step of a session: an edit on device 0–2 of map 'm' or text 't', or one device syncing another. */
export const sessionOp: fc.Arbitrary<SessionOp> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), doc: fc.nat(2), key: fc.constantFrom('a', 'b', 'c', 'd'), value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), doc: fc.nat(2), key: fc.constantFrom('a', 'b', 'c', 'd') }),
  fc.record({ kind: fc.constant('insert' as const), doc: fc.nat(2), at: fc.nat(30), text: fc.string({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('cut' as const), doc: fc.nat(2), at: fc.nat(30), length: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('sync' as const), from: fc.nat(2), to: fc.nat(2) }),
)

/** Plays `ops` on three devices (client ids 1–3); returns them and the state each edit left its device in. */
export const playSession = (ops: readonly SessionOp[]): { docs: Y.Doc[]; states: Uint8Array[] } => {
  const docs = [1, 2, 3].map((clientID) => Object.assign(new Y.Doc(), { clientID }))
  const states: Uint8Array[] = []
  for (const o of ops) {
    if (o.kind === 'sync') {
      Y.applyUpdate(docs[o.to]!, Y.encodeStateAsUpdate(docs[o.from]!, Y.encodeStateVector(docs[o.to]!)))
      continue
    }
    const doc = docs[o.doc]!
    const text = doc.getText('t')
    if (o.kind === 'set') doc.getMap('m').set(o.key, o.value)
    else if (o.kind === 'delete') doc.getMap('m').delete(o.key)
    else if (o.kind === 'insert') text.insert(Math.min(o.at, text.length), o.text)
    else text.delete(Math.min(o.at, text.length), Math.min(o.length, text.length - Math.min(o.at, text.length)))
    states.push(Y.encodeStateAsUpdate(doc))
  }
  return { docs, states }
}
