// Yjs updates holding every struct and content kind a document can have, for the tests of the
// readers that walk updates without Yjs (check-update.ts, update-structs.ts).
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

/** Updates covering GC, skip, deleted, JSON, binary, string, embed, format, every type, any, doc. */
export const sampleUpdates = (): Array<[string, Uint8Array]> => {
  const doc = new Y.Doc({ gc: false })
  const map = doc.getMap<unknown>('customers')
  const text = doc.getText('notes')
  const xml = doc.getXmlFragment('page')
  doc.transact(() => {
    const c = new Y.Map<unknown>()
    map.set('c1', c)
    c.set('name', 'Ärzte & Söhne GmbH 🏢')
    c.set('n', 42)
    c.set('neg', -7_000_000_000)
    c.set('f', 1.5)
    c.set('big', 2n ** 60n)
    c.set('flags', [true, false, null, { deep: { deeper: ['x', 1] } }])
    c.set('bytes', new Uint8Array([1, 2, 3]))
    c.set('nothing', undefined)
    c.set('list', Y.Array.from(['a', 'b']))
    c.set('sub', new Y.Doc({ guid: 'sub-doc', meta: { kind: 'attachment' } }))
    text.insert(0, 'Hello world')
    text.format(0, 5, { bold: true })
    text.insertEmbed(5, { image: 'https://example.com/a.png' })
    const el = new Y.XmlElement('p')
    el.setAttribute('class', 'lead')
    el.insert(0, [new Y.XmlText('para')])
    xml.insert(0, [el, new Y.XmlHook('hook') as unknown as Y.XmlElement]) // a hook is a fragment child too
  })
  const full = Y.encodeStateAsUpdate(doc)
  const before = Y.encodeStateVector(doc)
  doc.transact(() => {
    map.delete('c1')
    text.delete(0, 3)
  })
  const deletes = Y.encodeStateAsUpdate(doc, before)

  // GC structs: a collected document, and a skip: two updates of one client with a gap between.
  const gcDoc = new Y.Doc()
  Y.applyUpdate(gcDoc, Y.mergeUpdates([full, deletes]))
  const collected = Y.encodeStateAsUpdate(gcDoc)
  const writer = new Y.Doc()
  const parts: Uint8Array[] = []
  writer.on('update', (u: Uint8Array) => parts.push(u))
  for (let i = 0; i < 3; i++) writer.getMap('m').set(`k${i}`, i)
  const withSkip = Y.mergeUpdates([parts[0]!, parts[2]!])

  return [
    ['every content kind', full],
    ['deletions', deletes],
    ['garbage-collected', collected],
    ['a skip', withSkip],
    ['legacy JSON content', legacyJsonUpdate()],
    ['empty', Y.encodeStateAsUpdate(new Y.Doc())],
  ]
}

/** One item with ContentJSON (what Yjs before 13 wrote), encoded by hand. */
const legacyJsonUpdate = (): Uint8Array => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1) // one client
  encoding.writeVarUint(e, 1) // one struct
  encoding.writeVarUint(e, 7) // client
  encoding.writeVarUint(e, 0) // clock
  encoding.writeUint8(e, 2) // info: JSON content, parent is a root type
  encoding.writeVarUint(e, 1) // parent by name
  encoding.writeVarString(e, 'legacy')
  encoding.writeVarUint(e, 2)
  encoding.writeVarString(e, 'undefined')
  encoding.writeVarString(e, '{"a":[1,2]}')
  encoding.writeVarUint(e, 0) // empty delete set
  return encoding.toUint8Array(e)
}
