// readUpdateStructs must see what Yjs' own reader sees: the same structs with the same ids,
// lengths, origins, parents, keys and content kinds, and the same delete set.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { sampleUpdates } from './sample-updates'
import { gatherStructs, NO_CLIENT, readUpdateStructs, STRUCT_KIND, type UpdateStructs } from './update-structs'
import { UpdateFormatError } from './update-walker'

const TYPE_REFS = new Map<unknown, number>([
  [Y.Array, 0], [Y.Map, 1], [Y.Text, 2], [Y.XmlElement, 3], [Y.XmlFragment, 4], [Y.XmlHook, 5], [Y.XmlText, 6],
])

/** A row as an object, strings decoded. */
const rowOf = (u: UpdateStructs, r: number) => ({
  kind: u.kind(r), client: u.client(r), clock: u.clock(r), length: u.length(r),
  originClient: u.originClient(r), originClock: u.originClock(r), rightClient: u.rightClient(r), rightClock: u.rightClock(r),
  parentName: u.nameStart(r) < 0 ? null : u.text(u.nameStart(r), u.nameEnd(r)),
  parentClient: u.parentClient(r), parentClock: u.parentClock(r),
  parentSub: u.subStart(r) < 0 ? null : u.text(u.subStart(r), u.subEnd(r)),
  contentRef: u.contentRef(r), typeRef: u.typeRef(r),
})
const rowsOf = (u: UpdateStructs) => Array.from({ length: u.rows }, (_, r) => rowOf(u, r))

/** What Y.decodeUpdate says of a struct, in readUpdateStructs' terms. */
const fromYjs = (s: Y.Item | Y.GC | Y.Skip): ReturnType<typeof rowOf> => {
  const base = { client: s.id.client, clock: s.id.clock, length: s.length }
  if (!(s instanceof Y.Item)) {
    return {
      ...base, kind: s instanceof Y.GC ? STRUCT_KIND.gc : STRUCT_KIND.skip, originClient: NO_CLIENT, originClock: 0,
      rightClient: NO_CLIENT, rightClock: 0, parentName: null, parentClient: NO_CLIENT, parentClock: 0, parentSub: null, contentRef: 0, typeRef: -1,
    }
  }
  const parent = s.parent as unknown as string | Y.ID | null
  const content = s.content as { getRef(): number; type?: unknown }
  return {
    ...base,
    kind: STRUCT_KIND.item,
    originClient: s.origin?.client ?? NO_CLIENT,
    originClock: s.origin?.clock ?? 0,
    rightClient: s.rightOrigin?.client ?? NO_CLIENT,
    rightClock: s.rightOrigin?.clock ?? 0,
    parentName: typeof parent === 'string' ? parent : null,
    parentClient: parent instanceof Y.ID ? parent.client : NO_CLIENT,
    parentClock: parent instanceof Y.ID ? parent.clock : 0,
    parentSub: s.parentSub,
    contentRef: content.getRef(),
    typeRef: content instanceof Y.ContentType ? (TYPE_REFS.get(content.type!.constructor) ?? -2) : -1,
  }
}

describe('readUpdateStructs', () => {
  it.each(sampleUpdates())('reads %s as Y.decodeUpdate does', (_name, update) => {
    const ours = readUpdateStructs(update)
    const yjs = Y.decodeUpdate(update)
    expect(rowsOf(ours)).toEqual(yjs.structs.map(fromYjs))
    for (let c = 0; c < ours.clients.length; c += 3) {
      for (let r = ours.clients[c + 1]!; r < ours.clients[c + 2]!; r++) expect(ours.client(r)).toBe(ours.clients[c])
    }
    const ds: number[] = []
    for (const [client, items] of yjs.ds.clients) for (const d of items) ds.push(client, d.clock, d.len)
    expect(ours.deletes).toEqual(ds)
  })

  it('counts a string item in UTF-16 code units, as JavaScript does', () => {
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'a€🏢') // 1 + 1 + 2 units
    expect(readUpdateStructs(Y.encodeStateAsUpdate(doc)).length(0)).toBe(4)
  })

  it('gathers rows of several updates by client and clock, with their strings', () => {
    const [a, b] = [sampleUpdates()[0]![1], sampleUpdates()[1]![1]].map(readUpdateStructs) as [UpdateStructs, UpdateStructs]
    const pick = (u: UpdateStructs) => Array.from({ length: u.rows }, (_, r) => r).filter((r) => r % 2 === 0)
    const gathered = gatherStructs([{ from: b, rows: pick(b) }, { from: a, rows: pick(a) }])
    const expected = [...pick(a).map((r) => rowOf(a, r)), ...pick(b).map((r) => rowOf(b, r))]
      .sort((x, y) => x.client - y.client || x.clock - y.clock)
    expect(rowsOf(gathered)).toEqual(expected)
    const runs: number[] = []
    for (let c = 0; c < gathered.clients.length; c += 3) runs.push(gathered.clients[c]!)
    expect(runs).toEqual([...new Set(expected.map((x) => x.client))])
  })

  it('refuses a truncated update', () => {
    const update = sampleUpdates()[0]![1]
    expect(() => readUpdateStructs(update.slice(0, update.length - 3))).toThrow(UpdateFormatError)
  })
})
