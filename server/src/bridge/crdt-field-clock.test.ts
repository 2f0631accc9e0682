// The field clock reads the relay's log through a StructFieldReader; its answers must be those of
// the clock as first built (ReplayFieldReader: every update applied to a shadow Y.Doc, Yjs' own
// events naming the fields), for every field of every record, on random multi-device logs, from
// the start and from a compacted book.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createMemoryDocStore } from '../store/memory-doc-store'
import { createLogFieldClock, type CrdtFieldClock } from './crdt-field-clock'
import { DEFAULT_FIELD_MAP, type BridgeKind } from './field-map'
import { randomBookLog, type RandomBookLog } from './random-book-log'
import { ReplayFieldReader } from './replay-field-clock'

const SEEDS = Number(process.env['FIELD_CLOCK_SEEDS'] ?? 150)
const BOOK = 'b1'

/** Every field the bridge asks about, plus a few it never maps. */
const fieldsOf = (kind: BridgeKind): string[] => [...DEFAULT_FIELD_MAP[kind].map((m) => m.field), 'archived', 'id', 'activities', 'unmapped']

const answers = (clock: CrdtFieldClock, log: RandomBookLog): string[] => {
  const out: string[] = []
  const ids: Record<BridgeKind, string[]> = { company: log.customerIds, contact: log.contactIds, deal: log.dealIds }
  for (const kind of ['company', 'contact', 'deal'] as const) {
    for (const id of [...ids[kind], 'nobody']) {
      for (const field of fieldsOf(kind)) {
        const c = clock.lastChange(BOOK, kind, id, field)
        if (c) out.push(`${kind}:${id}:${field} ${c.at} ${c.by}`)
      }
    }
  }
  return out
}

/**
 * The log appended to a store (every entry a tick later than the one before, every third at the
 * same ms), compacted after `compactAfter` entries; `ours` catches up once halfway if `split`.
 */
const compare = async (seed: number, compactAfter: (entries: number) => number | null, split: boolean) => {
  const log = randomBookLog(seed)
  let t = 1_000
  let n = 0
  const store = createMemoryDocStore({ now: () => (n++ % 3 === 2 ? t : (t += 7)) })
  const ours = createLogFieldClock(store)
  const oracle = createLogFieldClock(store, () => new ReplayFieldReader())
  const relay = new Y.Doc()
  const compactAt = compactAfter(log.entries.length)
  for (const [i, e] of log.entries.entries()) {
    await store.append(BOOK, [{ update: e.update, userId: e.by }])
    Y.applyUpdate(relay, e.update)
    if (i + 1 === compactAt) await store.compact(BOOK, Y.encodeStateAsUpdate(relay), i + 1)
    if (split && i === Math.floor(log.entries.length / 2)) await ours.catchUp(BOOK)
  }
  await Promise.all([ours.catchUp(BOOK), oracle.catchUp(BOOK)])
  const expected = answers(oracle, log)
  expect([seed, answers(ours, log)]).toEqual([seed, expected])
  return expected.length
}

describe('the field clock', () => {
  it(`answers as replaying the log into a Y.Doc does (${SEEDS} random logs)`, async () => {
    let answered = 0
    for (let seed = 1; seed <= SEEDS; seed++) answered += await compare(seed, () => null, seed % 2 === 0)
    expect(answered).toBeGreaterThan(SEEDS * 10) // the logs do touch fields
  })

  it('answers the same when it starts from a compacted book', async () => {
    for (let seed = 1; seed <= SEEDS; seed++) await compare(seed, (n) => Math.floor(n / 3), false)
  })

  it('names the later of two edits to one field, and a new customer as a whole', async () => {
    const store = createMemoryDocStore({ now: (() => { let t = 0; return () => (t += 1_000) })() })
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    const c = new Y.Map<unknown>()
    doc.getMap('customers').set('c1', c)
    c.set('name', 'Acme')
    c.set('name', 'Acme Ltd')
    await store.append(BOOK, [{ update: updates[0]!, userId: 'alice' }])
    await store.append(BOOK, [{ update: updates[1]!, userId: 'bob' }])
    await store.append(BOOK, [{ update: updates[2]!, userId: 'carol' }])
    await store.append(BOOK, [{ update: Y.encodeStateAsUpdate(doc), userId: 'dave' }]) // a re-sent state changes nothing
    const clock = createLogFieldClock(store)
    await clock.catchUp(BOOK)
    expect(clock.lastChange(BOOK, 'company', 'c1', 'name')).toEqual({ at: 3_000, by: 'carol' })
    expect(clock.lastChange(BOOK, 'company', 'c1', 'email')).toEqual({ at: 1_000, by: 'alice' })
    expect(clock.lastChange(BOOK, 'company', 'c2', 'name')).toBeNull()
  })
})
