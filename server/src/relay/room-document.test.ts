// A room's book, dormant or awake: what wakes it, what may put it back to sleep, and that the
// state it serves or folds is the document's whatever state it is in.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { decodeMessage, SYNC_STEP } from '@crm-sync/protocol'
import { halfAppliableUpdate } from '../testing/half-appliable-update'
import { createMetrics } from '../metrics'
import { RoomDocument } from './room-document'

const bookWith = (entries: Record<string, string>): Y.Doc => {
  const doc = new Y.Doc()
  for (const [k, v] of Object.entries(entries)) doc.getMap('customers').set(k, v)
  return doc
}

/** A seeded random number generator (deterministic test sessions). */
const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/** A dormant book holding c1 = Acme, and a device with the same state whose updates are collected in `edits`. */
const dormantWithDevice = (metrics = createMetrics()) => {
  const device = bookWith({ c1: 'Acme' })
  const book = RoomDocument.dormant(metrics, Y.encodeStateAsUpdate(device))
  const edits: Uint8Array[] = []
  device.on('update', (u: Uint8Array) => edits.push(u))
  return { device, book, edits }
}

/** Folds a dormant book's tail as the worker does (a Y.Doc of its own), and has the book adopt it. */
const foldTail = (book: RoomDocument): void => {
  const source = book.foldSource()
  if (!source) return
  const folded = new Y.Doc()
  Y.applyUpdate(folded, source.base)
  for (const u of source.updates) Y.applyUpdate(folded, u)
  book.adoptFolded(source, Y.encodeStateAsUpdate(folded))
}

const syncPayload = (frame: Uint8Array): Uint8Array => {
  const m = decodeMessage(frame)
  if (m.type !== 'sync') throw new Error('expected a sync frame')
  return m.payload
}

/** A client with nothing (its state vector). */
const EVERYTHING = new Uint8Array([0])

/** The one frame of a reply (no tail). */
const only = (frames: Uint8Array[]): Uint8Array => {
  expect(frames).toHaveLength(1)
  return frames[0]!
}

const contentOf = (update: Uint8Array): unknown => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return doc.getMap('customers').toJSON()
}

describe('RoomDocument', () => {
  it('serves sync from the encoded state without waking, and wakes on the first use of doc', async () => {
    const metrics = createMetrics()
    const original = bookWith({ c1: 'Acme', c2: 'Globex' })
    const book = RoomDocument.dormant(metrics, Y.encodeStateAsUpdate(original))
    expect(syncPayload(book.syncStep1())).toEqual(Y.encodeStateVector(original))
    expect(contentOf(syncPayload(only(book.syncReply(new Uint8Array([0])))))).toEqual({ c1: 'Acme', c2: 'Globex' })
    expect(book.isDormant).toBe(true)
    expect(await metrics.bookWakes.get()).toMatchObject({ values: [{ value: 0 }] })

    expect(book.doc.getMap('customers').get('c2')).toBe('Globex')
    expect(book.isDormant).toBe(false)
    expect(await metrics.bookWakes.get()).toMatchObject({ values: [{ value: 1 }] })
  })

  it('gives its bytes for a read elsewhere while dormant (state and tail, named by the state), none awake or destroyed', () => {
    const { device, book, edits } = dormantWithDevice()
    const first = book.dormantBytes()!
    expect(first.updates).toEqual([])
    device.getMap('customers').set('c2', 'Globex')
    book.takeDormant(edits[0]!)
    const second = book.dormantBytes()!
    expect(second.state).toBe(first.state)
    expect(second.base).toEqual(first.base)
    expect(second.updates).toEqual([edits[0]])
    const read = new Y.Doc()
    Y.applyUpdate(read, second.base)
    Y.applyUpdate(read, second.updates[0]!)
    expect(read.getMap('customers').toJSON()).toEqual(device.getMap('customers').toJSON())
    void book.doc
    expect(book.dormantBytes()).toBeNull()
    const other = dormantWithDevice().book
    other.destroy()
    expect(other.dormantBytes()).toBeNull()
  })

  it('loads a snapshot and the log after it into one awake document', () => {
    const doc = bookWith({ c1: 'Acme' })
    const snapshot = Y.encodeStateAsUpdate(doc)
    const before = Y.encodeStateVector(doc)
    doc.getMap('customers').set('c2', 'Globex')
    const book = RoomDocument.decoded(createMetrics(), snapshot, [Y.encodeStateAsUpdate(doc, before)])
    expect(book.isDormant).toBe(false)
    expect(book.doc.getMap('customers').toJSON()).toEqual({ c1: 'Acme', c2: 'Globex' })
  })

  it('hibernates only when unused since the last call, not held and not busy, and keeps every change', () => {
    const book = RoomDocument.dormant(createMetrics(), Y.encodeStateAsUpdate(bookWith({ c1: 'Acme' })))
    book.doc.getMap('customers').set('c1', 'Acme Ltd')
    expect(book.hibernate(false)).toBe(false) // used since the last call
    expect(book.hibernate(true)).toBe(false) // a write or compaction in flight
    const release = book.holdAwake()
    expect(book.hibernate(false)).toBe(false)
    release()
    release() // a second release changes nothing
    expect(book.hibernate(false)).toBe(true)
    expect(book.isDormant).toBe(true)
    expect(contentOf(book.wholeState())).toEqual({ c1: 'Acme Ltd' })
    expect(book.doc.getMap('customers').get('c1')).toBe('Acme Ltd')
  })

  it('never serves a whole state older than the document', () => {
    const book = RoomDocument.dormant(createMetrics(), Y.encodeStateAsUpdate(bookWith({ c1: 'Acme' })))
    const first = only(book.syncReply(EVERYTHING))
    expect(only(book.syncReply(EVERYTHING))).toBe(first) // encoded once per version
    book.doc.getMap('customers').set('c2', 'Globex')
    expect(contentOf(syncPayload(only(book.syncReply(EVERYTHING))))).toEqual({ c1: 'Acme', c2: 'Globex' })
    book.doc.getMap('customers').set('c3', 'Initech')
    expect(contentOf(book.wholeState())).toEqual({ c1: 'Acme', c2: 'Globex', c3: 'Initech' })
    const lagging = new Y.Doc()
    Y.applyUpdate(lagging, syncPayload(first))
    Y.applyUpdate(lagging, syncPayload(only(book.syncReply(Y.encodeStateVector(lagging)))))
    expect(lagging.getMap('customers').toJSON()).toEqual({ c1: 'Acme', c2: 'Globex', c3: 'Initech' })
  })

  it('adopts a whole state made elsewhere only while no transaction ran since, and then hibernates on it', () => {
    const metrics = createMetrics()
    const book = RoomDocument.decoded(metrics, null, [Y.encodeStateAsUpdate(bookWith({ c1: 'Acme' }))])
    book.doc.getMap('customers').set('c2', 'Globex')
    const made = Y.encodeStateAsUpdate(book.doc)
    const at = book.transactionCount

    book.doc.getMap('customers').set('c3', 'Initech') // the document moved on: the state made at `at` is stale
    expect(book.adoptWholeState(made, at)).toBe(false)
    expect(book.hasWholeState).toBe(false)

    const current = Y.encodeStateAsUpdate(book.doc)
    expect(book.adoptWholeState(current, book.transactionCount)).toBe(true)
    expect(book.hasWholeState).toBe(true)
    expect(book.wholeState()).toEqual(current)
    expect(book.hibernate(false)).toBe(false) // used since the last call
    expect(book.idleSinceLastSweep).toBe(true)
    expect(book.hibernate(false)).toBe(true)
    expect(contentOf(book.wholeState())).toEqual({ c1: 'Acme', c2: 'Globex', c3: 'Initech' })
  })

  it('takes updates while dormant: serves them before step 2, counts them in its state vector, applies them on waking', async () => {
    const metrics = createMetrics()
    const { device, book, edits } = dormantWithDevice(metrics)
    const lagging = new Y.Doc()
    Y.applyUpdate(lagging, Y.encodeStateAsUpdate(device))
    device.getMap('customers').set('c2', 'Globex')
    device.getMap('customers').delete('c1')
    for (const u of edits) book.takeDormant(u)
    expect([book.isDormant, book.tailLength, book.hasWholeState]).toEqual([true, 2, false])
    expect(syncPayload(book.syncStep1())).toEqual(Y.encodeStateVector(device))

    const fresh = new Y.Doc()
    for (const frame of book.syncReply(EVERYTHING)) Y.applyUpdate(fresh, syncPayload(frame))
    expect(fresh.getMap('customers').toJSON()).toEqual({ c2: 'Globex' })
    const reply = book.syncReply(Y.encodeStateVector(lagging))
    // The two updates, then step 2 (nothing new in the encoded state): a client is synced on step 2.
    expect(reply.map((f) => (decodeMessage(f) as { step: number }).step)).toEqual([SYNC_STEP.update, SYNC_STEP.update, SYNC_STEP.step2])
    for (const frame of reply) Y.applyUpdate(lagging, syncPayload(frame))
    expect(lagging.getMap('customers').toJSON()).toEqual({ c2: 'Globex' })
    expect(await metrics.bookWakes.get()).toMatchObject({ values: [{ value: 0 }] })

    expect(book.doc.getMap('customers').toJSON()).toEqual({ c2: 'Globex' })
    expect([book.tailLength, book.hasWholeState]).toEqual([0, false]) // the old encoding is not the whole state
    expect(contentOf(book.wholeState())).toEqual({ c2: 'Globex' })
    expect(() => book.takeDormant(edits[0]!)).toThrow(/awake/)
  })

  it('keeps a copy of an update that is a view of a bigger buffer (a socket read), not the buffer', () => {
    const { device, book, edits } = dormantWithDevice()
    device.getMap('customers').set('c2', 'Globex')
    const read = new Uint8Array(64 * 1024)
    read.set(edits[0]!, 100)
    book.takeDormant(read.subarray(100, 100 + edits[0]!.length))
    const [kept] = book.foldSource()!.updates
    expect(kept).toEqual(edits[0])
    expect(kept!.buffer.byteLength).toBe(edits[0]!.length)
  })

  it('wakes with the rest of its tail when Yjs throws on one stored update, and counts it', async () => {
    const metrics = createMetrics()
    const { device, book, edits } = dormantWithDevice(metrics)
    device.getMap('customers').set('c2', 'Globex')
    book.takeDormant(halfAppliableUpdate()) // stored by an earlier relay whose check let it through
    book.takeDormant(edits[0]!)
    expect(book.doc.getMap('customers').toJSON()).toEqual({ c1: 'Acme', c2: 'Globex' })
    expect(await metrics.unappliableUpdates.get()).toMatchObject({ values: [{ value: 1 }] })
  })

  it('adopts a fold of its tail made elsewhere, keeping what came meanwhile; not once it woke', () => {
    const { device, book, edits } = dormantWithDevice()
    device.getMap('customers').set('c2', 'Globex')
    book.takeDormant(edits[0]!)
    const source = book.foldSource()!
    expect(source.updates).toEqual([edits[0]])
    const folded = new Y.Doc()
    Y.applyUpdate(folded, source.base)
    for (const u of source.updates) Y.applyUpdate(folded, u)
    device.getMap('customers').set('c3', 'Initech') // arrives while the fold runs
    book.takeDormant(edits[1]!)

    expect(book.adoptFolded(source, Y.encodeStateAsUpdate(folded))).toBe(true)
    expect(book.tailLength).toBe(1)
    const fresh = new Y.Doc()
    const reply = book.syncReply(EVERYTHING)
    expect(reply).toHaveLength(2)
    for (const frame of reply) Y.applyUpdate(fresh, syncPayload(frame))
    expect(fresh.getMap('customers').toJSON()).toEqual({ c1: 'Acme', c2: 'Globex', c3: 'Initech' })
    expect(syncPayload(book.syncStep1())).toEqual(Y.encodeStateVector(device))

    const again = book.foldSource()!
    expect(book.doc.getMap('customers').toJSON()).toEqual({ c1: 'Acme', c2: 'Globex', c3: 'Initech' })
    expect(book.adoptFolded(again, again.base)).toBe(false) // awake: its tail is applied
    expect(book.foldSource()).toBeNull()

    // Asleep again with new updates, as many as the stale fold had: still not its fold.
    book.doc.getMap('customers').set('c4', 'Hooli') // awake
    expect(book.hibernate(false)).toBe(false)
    expect(book.hibernate(false)).toBe(true)
    device.getMap('customers').set('c5', 'Umbrella')
    book.takeDormant(edits.at(-1)!)
    expect(book.adoptFolded(again, again.base)).toBe(false)
    const fresh2 = new Y.Doc()
    for (const frame of book.syncReply(EVERYTHING)) Y.applyUpdate(fresh2, syncPayload(frame))
    expect(fresh2.getMap('customers').toJSON()).toEqual({ c1: 'Acme', c2: 'Globex', c3: 'Initech', c4: 'Hooli', c5: 'Umbrella' })
  })

  it('converges with every client whatever order several devices’ updates come in (random sessions)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = mulberry32(seed)
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
      const origin = bookWith({ c0: 'start' })
      const book = RoomDocument.dormant(createMetrics(), Y.encodeStateAsUpdate(origin))
      const devices = [1, 2, 3].map((id) => {
        const doc = new Y.Doc()
        doc.clientID = id * 1000 + seed
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(origin))
        const out: Uint8Array[] = []
        doc.on('update', (u: Uint8Array, o: unknown) => o !== 'peer' && out.push(u))
        return { doc, out }
      })
      const reference = new Y.Doc()
      Y.applyUpdate(reference, Y.encodeStateAsUpdate(origin))
      const inFlight: Uint8Array[] = []
      for (let step = 0; step < 30; step++) {
        const d = pick(devices)
        const r = random()
        const customers = d.doc.getMap('customers')
        if (r < 0.5) customers.set(`c${Math.floor(random() * 6)}`, `v${step}`)
        else if (r < 0.6) customers.delete(`c${Math.floor(random() * 6)}`)
        else if (r < 0.8) Y.applyUpdate(d.doc, Y.encodeStateAsUpdate(pick(devices).doc), 'peer')
        else d.doc.getText('notes').insert(0, `n${step}`)
        inFlight.push(...d.out.splice(0))
        // Updates reach the book in a shuffled order, some late.
        while (inFlight.length > 0 && random() < 0.6) {
          const [u] = inFlight.splice(Math.floor(random() * inFlight.length), 1)
          book.takeDormant(u!)
          Y.applyUpdate(reference, u!)
        }
        if (random() < 0.15) foldTail(book)
      }
      for (const u of inFlight) {
        book.takeDormant(u)
        Y.applyUpdate(reference, u)
      }
      // Never more than the book holds (a client would not send it what it lacks). A fold that ran
      // while structs waited for others may leave them behind a gap in the encoded state, which
      // counts only up to the gap: the claim may be lower then, and clients resend what it holds.
      const claimed = Y.decodeStateVector(syncPayload(book.syncStep1()))
      for (const [client, clock] of claimed) expect(clock, `seed ${seed}`).toBeLessThanOrEqual(Y.getState(reference.store, client))
      for (const client of [new Y.Doc(), ...devices.map((d) => d.doc)]) {
        for (const frame of book.syncReply(Y.encodeStateVector(client))) Y.applyUpdate(client, syncPayload(frame), 'peer')
        expect(client.getMap('customers').toJSON(), `seed ${seed}`).toEqual(reference.getMap('customers').toJSON())
        expect(client.getText('notes').toString(), `seed ${seed}`).toBe(reference.getText('notes').toString())
      }
      foldTail(book)
      // Folded with everything in, the claim is exact.
      expect(syncPayload(book.syncStep1()), `seed ${seed}`).toEqual(Y.encodeStateVector(reference))
      expect(book.doc.getMap('customers').toJSON(), `seed ${seed}`).toEqual(reference.getMap('customers').toJSON())
    }
  })

  it('lets go of everything on destroy', () => {
    const book = RoomDocument.dormant(createMetrics(), Y.encodeStateAsUpdate(bookWith({ c1: 'Acme' })))
    const doc = book.doc
    book.destroy()
    expect(doc.isDestroyed).toBe(true)
    expect(book.isDormant).toBe(true)
  })
})
