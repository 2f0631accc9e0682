// StructIndex against Yjs itself: random multi-device edit logs of a book are applied to a Y.Doc
// and to an index, entry by entry; after each, the types and keys the index says changed must be
// those of the Y.Doc's transaction (after Yjs drops deleted types), and both must agree on the
// state vector and on which types are deleted. Then again from a snapshot taken midway (GC
// structs, deleted content), as the field clock starts after a compaction.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { randomBookLog } from './random-book-log'
import { StructIndex } from './struct-index'

const SEEDS = Number(process.env['STRUCT_INDEX_SEEDS'] ?? 300)

/** A type named by its root's name or the id of its item: the same in the Y.Doc and the index. */
const yjsTypeName = (t: Y.AbstractType<any>): string => {
  const item = t._item
  if (item) return `${item.id.client}:${item.id.clock}`
  for (const [name, root] of t.doc!.share) if (root === t) return name
  throw new Error('unnamed root')
}

const indexTypeName = (index: StructIndex, t: number, clients: Map<number, number>): string => {
  const root = index.types.rootName(t)
  if (root !== null) return root
  return `${clients.get(index.types.itemClient(t))}:${index.types.itemClock(t)}`
}

/** What a Y.Doc's transaction changed, as observers see it (deleted types dropped). */
const applyToDoc = (doc: Y.Doc, update: Uint8Array): string[] => {
  let changed: string[] = []
  const listen = (tr: Y.Transaction) => {
    changed = []
    for (const [type, keys] of tr.changed) {
      if (type._item && type._item.deleted) continue
      for (const k of keys) changed.push(`${yjsTypeName(type)} ${k}`)
    }
  }
  doc.on('afterTransaction', listen)
  Y.applyUpdate(doc, update)
  doc.off('afterTransaction', listen)
  return changed.sort()
}

/** Client index → client id, read back from the index's own types (test only). */
const clientIds = (index: StructIndex, doc: Y.Doc): Map<number, number> => {
  const ids = [...doc.store.clients.keys()]
  const byIndex = new Map<number, number>()
  for (const id of ids) {
    const i = (index as unknown as { byId: Map<number, { index: number }> }).byId.get(id)?.index
    if (i !== undefined) byIndex.set(i, id)
  }
  return byIndex
}

const applyToIndex = (index: StructIndex, doc: Y.Doc, update: Uint8Array): string[] => {
  const changes = index.apply(update)
  const clients = clientIds(index, doc)
  return changes.flatMap((c) => [...c.keys].map((k) => `${indexTypeName(index, c.type, clients)} ${index.keyName(k)}`)).sort()
}

const stateVector = (index: StructIndex): Map<number, number> => {
  const out = new Map<number, number>()
  for (const c of (index as unknown as { clients: Array<{ client: number; state: number }> }).clients) if (c.state > 0) out.set(c.client, c.state)
  return out
}

const replay = (seed: number, updates: Uint8Array[], doc: Y.Doc, index: StructIndex) => {
  updates.forEach((update, n) => {
    const expected = applyToDoc(doc, update)
    expect([seed, n, applyToIndex(index, doc, update)]).toEqual([seed, n, expected])
  })
  expect(stateVector(index)).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)))
  const clients = clientIds(index, doc)
  const types = (index.types as unknown as { n: number }).n
  for (let t = 0; t < types; t++) {
    if (index.types.isRoot(t)) continue
    const item = Y.getItem(doc.store, Y.createID(clients.get(index.types.itemClient(t))!, index.types.itemClock(t)))
    const deleted = item.deleted || item instanceof Y.GC
    expect([seed, t, index.isTypeDeleted(t)]).toEqual([seed, t, deleted])
  }
}

describe('StructIndex', () => {
  it(`says which types and keys each logged update changed, as Yjs does (${SEEDS} random logs)`, () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const updates = randomBookLog(seed).entries.map((e) => e.update)
      replay(seed, updates, new Y.Doc(), new StructIndex())
    }
  })

  it('does so from a snapshot taken midway, garbage-collected as the relay stores it', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const updates = randomBookLog(seed).entries.map((e) => e.update)
      const half = Math.floor(updates.length / 2)
      const relay = new Y.Doc()
      for (const u of updates.slice(0, half)) Y.applyUpdate(relay, u)
      const snapshot = Y.encodeStateAsUpdate(relay)
      const doc = new Y.Doc()
      Y.applyUpdate(doc, snapshot)
      const index = new StructIndex()
      index.apply(snapshot)
      replay(seed, updates.slice(half), doc, index)
    }
  })

  it('holds back an update until the one it builds on arrives, then applies both', () => {
    const a = new Y.Doc()
    a.clientID = 1
    const updates: Uint8Array[] = []
    a.on('update', (u: Uint8Array) => updates.push(u))
    a.getMap('customers').set('c1', new Y.Map())
    ;(a.getMap('customers').get('c1') as Y.Map<string>).set('name', 'Acme')
    const index = new StructIndex()
    expect(index.apply(updates[1]!)).toEqual([])
    const changes = index.apply(updates[0]!)
    expect(changes.map((c) => [index.types.rootName(c.type), [...c.keys].map((k) => index.keyName(k))])).toEqual([['customers', ['c1']]])
  })
})
