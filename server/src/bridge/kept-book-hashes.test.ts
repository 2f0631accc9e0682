// A sleeping book's hashes come from the list kept when it was last listed, without waking it, as
// long as its document did not change after that list and the book took nothing unseen.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createCustomer, setCustomerField } from '@crm-sync/model'
import { DEFAULT_FIELD_MAP } from './field-map'
import { KeptBookHashes } from './kept-book-hashes'

const BOOK = 'book-1'

function rig() {
  let live: Y.Doc | null = new Y.Doc()
  const awake = () => live!
  const id = createCustomer(awake(), { name: 'Acme' }, { by: 'alice' })
  let woken = 0
  const hashes = new KeptBookHashes({
    map: DEFAULT_FIELD_MAP,
    peek: () => live,
    doc: async () => {
      woken++
      // As a room wakes: a new document holding what the dormant one did.
      const doc = new Y.Doc()
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(asleep!))
      live = doc
      return doc
    },
  })
  let asleep: Y.Doc | null = null
  const sleep = () => {
    asleep = live
    live = null
  }
  return { hashes, id, awake, sleep, woken: () => woken }
}

describe('KeptBookHashes', () => {
  it('answers for a sleeping book from its last list, without waking it', async () => {
    const r = rig()
    const listed = await r.hashes.list(BOOK)
    r.sleep()
    expect(await r.hashes.list(BOOK)).toEqual(listed)
    expect(r.woken()).toBe(0)
  })

  it('wakes the book when it changed after its last list, took changes unseen, or every record is to be hashed again', async () => {
    const r = rig()
    const before = await r.hashes.list(BOOK)
    setCustomerField(r.awake(), r.id, 'industry', 'Optics')
    r.sleep()
    const after = await r.hashes.list(BOOK)
    expect(r.woken()).toBe(1)
    expect(after[0]!.hash).not.toBe(before[0]!.hash)

    r.sleep()
    r.hashes.forget(BOOK)
    expect(await r.hashes.list(BOOK)).toEqual(after)
    expect(r.woken()).toBe(2)

    r.sleep()
    await r.hashes.list(BOOK, true)
    expect(r.woken()).toBe(3)
  })
})
