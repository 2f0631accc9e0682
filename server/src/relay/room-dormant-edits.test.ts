// A big dormant book takes clients' edits without being decoded: they reach the other clients,
// the store and every client that syncs later, and the worker folds them into the encoded state;
// a big book also loads dormant with its log. Small books, and a tail the worker cannot fold,
// still wake as before.
import pino from 'pino'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { decodeMessage, UpdateIndex } from '@crm-sync/protocol'
import { createMetrics, type Metrics } from '../metrics'
import type { DocStore } from '../store/doc-store'
import { createMemoryDocStore } from '../store/memory-doc-store'
import { storeBigSnapshotBook, storeSnapshotBook } from '../testing/snapshot-book'
import { compactionPolicy } from './compaction-policy'
import { FOLD_TAIL_FROM, MAX_DORMANT_TAIL, type Room, type RoomPeer } from './room'
import { RoomRegistry } from './room-registry'
import { INDEX_FROM_BYTES } from './encoded-state'
import { createWorkerSnapshotEncoder, SnapshotEncodeError, type SnapshotEncoder } from './snapshot-encoder'

const EVERYTHING = new Uint8Array([0])

/** Passes over a whole encoded state for its state vector on this thread (the worker has its own Yjs). */
const stateVectorPasses = vi.hoisted(() => ({ count: 0 }))
vi.mock('yjs', async (importOriginal) => {
  const yjs = await importOriginal<typeof import('yjs')>()
  return {
    ...yjs,
    encodeStateVectorFromUpdate: (...args: Parameters<typeof yjs.encodeStateVectorFromUpdate>) => {
      stateVectorPasses.count++
      return yjs.encodeStateVectorFromUpdate(...args)
    },
  }
})

/** A room on a book stored as a snapshot: big (20 KB, past the 10 KB set here), small, or `notesBytes` big. */
const open = async (bookId: string, o: { store?: DocStore; encoder?: SnapshotEncoder; big?: boolean; notesBytes?: number } = {}) => {
  const store = o.store ?? createMemoryDocStore()
  const original = o.store
    ? null
    : o.notesBytes
      ? await storeSnapshotBook(store, bookId, { notes: 'x'.repeat(o.notesBytes) })
      : o.big === false
        ? await storeSnapshotBook(store, bookId, { small: true })
        : await storeBigSnapshotBook(store, bookId)
  const metrics = createMetrics()
  const registry = new RoomRegistry({
    store, metrics, log: pino({ level: 'silent' }), unloadGraceMs: 0,
    compaction: compactionPolicy(100_000, 0), snapshotEncoder: o.encoder ?? createWorkerSnapshotEncoder(), offloadEncodeFromBytes: 10_000,
  })
  const lease = await registry.acquire(bookId)
  const close = async () => {
    lease.release()
    await registry.close()
  }
  return { store, metrics, registry, room: lease.room, original, close }
}

/** A client's device: a copy of the stored book, its edits collected as the updates it would send. */
const deviceOf = (original: Y.Doc) => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(original))
  const sent: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => sent.push(u))
  return { doc, sent }
}

/** A connection stand-in that keeps what the room broadcasts to it. */
const listener = (): RoomPeer & { got: Uint8Array[] } => {
  const got: Uint8Array[] = []
  return { got, deliver: (frame) => got.push(frame.payload) }
}

const payloadOf = (frame: Uint8Array): Uint8Array => {
  const m = decodeMessage(frame)
  if (m.type !== 'sync') throw new Error('expected a sync frame')
  return m.payload
}

const withoutNotes = (doc: Y.Doc): Record<string, unknown> => {
  const { notes: _notes, ...m } = doc.getMap('m').toJSON()
  return m
}

/** The book as a client with nothing gets it from the room (every frame of the reply). */
const served = (room: Room): { m: Record<string, unknown>; frames: number } => {
  const doc = new Y.Doc()
  const frames = room.syncReply(EVERYTHING)
  for (const frame of frames) Y.applyUpdate(doc, payloadOf(frame))
  return { m: withoutNotes(doc), frames: frames.length }
}

const counter = async (metric: Metrics['bookWakes']): Promise<number> => (await metric.get()).values[0]?.value ?? 0

/** A big book stored as a snapshot, behind a store that records its whole reads and log reads. */
const readCountingBook = async (bookId: string) => {
  const inner = createMemoryDocStore()
  const original = await storeBigSnapshotBook(inner, bookId)
  const reads: string[] = []
  const store: DocStore = {
    ...inner,
    load: (id) => (reads.push('load'), inner.load(id)),
    readSince: (id, after, limit) => (reads.push(`since ${after}`), inner.readSince(id, after, limit)),
  }
  return { inner, original, store, reads }
}

describe('a big dormant book', () => {
  it('takes edits without waking: others get them, the store keeps them, a client syncing later gets them', async () => {
    const { store, metrics, room, original, close } = await open('e1')
    expect(room.isDormant).toBe(true)
    const alice = deviceOf(original!)
    const bob = listener()
    room.peers.add(bob)
    alice.doc.getMap('m').set('phone', '+4930123')
    alice.doc.getMap('m').set('city', 'Berlin')
    const appended = alice.sent.map((u) => room.applyRemote(u, 'alice', listener()))
    await room.flush()

    expect(room.isDormant).toBe(true)
    expect(await counter(metrics.bookWakes)).toBe(0)
    expect(await counter(metrics.dormantUpdates)).toBe(2)
    expect(bob.got.map(payloadOf)).toEqual(alice.sent)
    expect(room.durableThrough).toBe(appended.at(-1))
    expect((await store.load('e1')).updates.map((u) => u.update)).toEqual(alice.sent)
    expect(payloadOf(room.syncStep1())).toEqual(Y.encodeStateVector(alice.doc))
    expect(served(room)).toEqual({ m: { phone: '+4930123', city: 'Berlin' }, frames: 3 })

    // Something on the server needs the document: it wakes with the edits in.
    expect(room.doc.getMap('m').get('city')).toBe('Berlin')
    expect(await counter(metrics.bookWakes)).toBe(1)
    await close()
  })

  it('has the worker fold its edits into the encoded state at the next sweep, and stays dormant', async () => {
    const { metrics, registry, room, original, close } = await open('e2')
    const alice = deviceOf(original!)
    alice.doc.getMap('m').set('a', 1)
    room.applyRemote(alice.sent[0]!, 'alice', listener())
    registry.hibernateIdle() // an update came since the last sweep: not yet
    await room.whenFolded()
    expect(await counter(metrics.dormantFolds)).toBe(0)
    registry.hibernateIdle() // none since: folded
    await room.whenFolded()
    expect(await counter(metrics.dormantFolds)).toBe(1)
    expect([room.isDormant, await counter(metrics.bookWakes)]).toEqual([true, 0])
    expect(served(room)).toEqual({ m: { a: 1 }, frames: 1 })
    // Kept as the worker handed it over (shared memory, framed in place), not copied here.
    expect(room.dormantBytes()!.base.buffer).toBeInstanceOf(SharedArrayBuffer)
    // The worker sent the folded state's state vector with it: none is computed from the bytes here.
    const passes = stateVectorPasses.count
    expect(payloadOf(room.syncStep1())).toEqual(Y.encodeStateVector(alice.doc))
    expect(stateVectorPasses.count).toBe(passes)
    alice.doc.getMap('m').set('b', 2)
    room.applyRemote(alice.sent[1]!, 'alice', listener())
    expect(served(room)).toEqual({ m: { a: 1, b: 2 }, frames: 2 })
    await close()
  })

  it('compacts from its encoding and tail, reading nothing from the store, and that is also the fold', async () => {
    const { inner, original, store, reads } = await readCountingBook('e9')
    const { room, metrics, close } = await open('e9', { store })
    const alice = deviceOf(original)
    for (const [round, key] of ['a', 'b', 'c'].entries()) {
      alice.doc.getMap('m').set(key, round)
      room.applyRemote(alice.sent[round]!, 'alice', listener())
      await room.foldLog()
      // Its encoding and tail are the entries through the newest: the snapshot is made from them.
      expect(reads).toEqual(['load'])
      expect(await counter(metrics.dormantFolds)).toBe(round + 1)
      expect([room.isDormant, room.dormantBytes()!.updates.length]).toEqual([true, 0])
      // The snapshot stored is the encoding itself (the worker's bytes, not a copy of them).
      const stored = await inner.load('e9')
      expect(stored.snapshotSeq).toBe(round + 2)
      expect(Buffer.compare(stored.snapshot!, room.dormantBytes()!.base)).toBe(0)
      expect(room.dormantBytes()!.base.buffer).toBeInstanceOf(SharedArrayBuffer)
    }
    const doc = new Y.Doc()
    Y.applyUpdate(doc, (await inner.load('e9')).snapshot!)
    expect(withoutNotes(doc)).toEqual({ a: 0, b: 1, c: 2 })
    expect(served(room)).toEqual({ m: { a: 0, b: 1, c: 2 }, frames: 1 })
    expect(await counter(metrics.bookWakes)).toBe(0)
    await close()
  })

  it('compacts from the store when its bytes are not exactly the entries through the newest', async () => {
    const { inner, original, store, reads } = await readCountingBook('e10')
    const { room, metrics, close } = await open('e10', { store })
    const alice = deviceOf(original)
    alice.doc.getMap('m').set('a', 1)
    room.applyRemote(alice.sent[0]!, 'alice', listener())
    await room.flush() // seq 2
    // Another instance stored seq 4 while seq 3 has not reached this one: a gap.
    const other = deviceOf(original)
    other.doc.getMap('m').set('x', 1)
    other.doc.getMap('m').set('y', 2)
    const [, beyond] = await inner.append('e10', other.sent.map((update) => ({ update, userId: 'bob' })))
    room.applyStored([beyond!])
    await room.foldLog()
    // Only through seq 2 (the contiguous prefix), from the snapshot it knows and the entry after it.
    expect(reads).toEqual(['load', 'since 1'])
    expect(await counter(metrics.dormantFolds)).toBe(0)
    expect((await inner.load('e10')).snapshotSeq).toBe(2)
    expect(room.dormantBytes()!.updates.length).toBe(2)
    await close()
  })

  it('folds on the worker as soon as its tail is long', async () => {
    const { metrics, room, original, close } = await open('e3')
    const alice = deviceOf(original!)
    for (let i = 0; i < FOLD_TAIL_FROM; i++) alice.doc.getMap('m').set(`k${i % 10}`, i)
    for (const u of alice.sent) room.applyRemote(u, 'alice', listener())
    await room.whenFolded()
    expect(await counter(metrics.dormantFolds)).toBe(1)
    const { m, frames } = served(room)
    expect(frames).toBe(1)
    expect(m).toEqual(withoutNotes(alice.doc))
    expect(room.isDormant).toBe(true)
    await close()
  })

  it('loads dormant with its log as the tail, and loses nothing through an unload and a reload', async () => {
    const first = await open('e4')
    const alice = deviceOf(first.original!)
    alice.doc.getMap('m').set('x', 'before unload')
    first.room.applyRemote(alice.sent[0]!, 'alice', listener())
    await first.close() // folds the log into a snapshot on the way out

    const store = first.store
    const bob = deviceOf(alice.doc)
    bob.doc.getMap('m').set('y', 'in the log')
    await store.append('e4', [{ update: bob.sent[0]!, userId: 'bob' }])
    const second = await open('e4', { store })
    expect(second.room.isDormant).toBe(true)
    expect(served(second.room)).toEqual({ m: { x: 'before unload', y: 'in the log' }, frames: 2 })
    expect(payloadOf(second.room.syncStep1())).toEqual(Y.encodeStateVector(bob.doc))
    expect(await counter(second.metrics.bookWakes)).toBe(0)
    await second.close()
  })

  it('tries a failing fold again only as the tail doubles, and wakes once it is full; nothing is lost', async () => {
    let asked = 0
    const failing: SnapshotEncoder = {
      encode: () => {
        asked++
        return Promise.reject(new SnapshotEncodeError('failed', 'worker down'))
      },
      close: async () => {},
    }
    const { metrics, room, original, close } = await open('e5', { encoder: failing })
    const alice = deviceOf(original!)
    for (let i = 0; i <= MAX_DORMANT_TAIL; i++) alice.doc.getMap('m').set('n', i)
    for (const u of alice.sent.slice(0, MAX_DORMANT_TAIL)) {
      room.applyRemote(u, 'alice', listener())
      await new Promise((r) => setImmediate(r)) // each failure is known before the next update
    }
    await room.flush()
    expect(asked).toBe(4) // at 256 updates, then 512, 1,024 and 2,048: not once per update
    expect([room.isDormant, await counter(metrics.bookWakes)]).toEqual([true, 0])
    room.applyRemote(alice.sent[MAX_DORMANT_TAIL]!, 'alice', listener())
    expect([room.isDormant, await counter(metrics.bookWakes)]).toEqual([false, 1])
    expect(room.doc.getMap('m').get('n')).toBe(MAX_DORMANT_TAIL)
    await close()
  })

  it('takes entries another instance stored the same way, once each', async () => {
    const { store, metrics, room, original, close } = await open('e7')
    const bob = listener()
    room.peers.add(bob)
    const elsewhere = deviceOf(original!)
    elsewhere.doc.getMap('m').set('from', 'instance b')
    elsewhere.doc.getMap('m').set('and', 'more')
    const stored = await store.append('e7', elsewhere.sent.map((update) => ({ update, userId: 'bob' })))
    room.applyStored([stored[1]!]) // the first is late
    room.applyStored(stored) // a catch-up sweep offers both
    expect(bob.got.map(payloadOf)).toEqual([elsewhere.sent[1], elsewhere.sent[0]])
    expect([room.isDormant, await counter(metrics.bookWakes), await counter(metrics.dormantUpdates)]).toEqual([true, 0, 2])
    expect(room.seqs.has(stored[0]!.seq) && room.seqs.has(stored[1]!.seq)).toBe(true)
    expect(served(room).m).toEqual({ from: 'instance b', and: 'more' })
    await close()
  })

  it('answers lagging clients of a book it indexes (past INDEX_FROM_BYTES) with its tail, and after the fold', async () => {
    const { metrics, registry, room, original, close } = await open('e8', { notesBytes: INDEX_FROM_BYTES })
    const [alice, bob] = [deviceOf(original!), deviceOf(original!)]
    alice.doc.getMap('m').set('from', 'alice')
    bob.doc.getMap('m').set('from', 'bob') // concurrent with alice's: both devices must settle alike
    room.applyRemote(alice.sent[0]!, 'alice', listener())
    room.applyRemote(bob.sent[0]!, 'bob', listener())
    const settle = (device: { doc: Y.Doc }) => {
      for (const frame of room.syncReply(Y.encodeStateVector(device.doc))) Y.applyUpdate(device.doc, payloadOf(frame))
    }
    settle(alice)
    settle(bob)
    expect(alice.doc.getMap('m').get('from')).toBe(bob.doc.getMap('m').get('from'))
    registry.hibernateIdle()
    registry.hibernateIdle()
    await room.whenFolded()
    expect(await counter(metrics.dormantFolds)).toBe(1)
    // The worker walked the folded state for its index: the late client costs no walk here.
    const walks = vi.spyOn(UpdateIndex, 'of')
    const late = deviceOf(original!)
    settle(late)
    expect(walks).not.toHaveBeenCalled()
    walks.mockRestore()
    expect(withoutNotes(late.doc)).toEqual(withoutNotes(alice.doc))
    expect(Y.encodeStateVector(late.doc)).toEqual(Y.encodeStateVector(alice.doc))
    expect(await counter(metrics.bookWakes)).toBe(0)
    await close()
  })

  it('loads a big book whose log is longer than a tail may be decoded, as before', async () => {
    const store = createMemoryDocStore()
    const original = await storeBigSnapshotBook(store, 'e9')
    const device = deviceOf(original)
    for (let i = 0; i < MAX_DORMANT_TAIL; i++) device.doc.getMap('m').set('n', i)
    await store.append('e9', device.sent.map((update) => ({ update, userId: 'alice' })))
    const { room, close } = await open('e9', { store })
    expect(room.isDormant).toBe(false)
    expect(room.doc.getMap('m').get('n')).toBe(MAX_DORMANT_TAIL - 1)
    await close()
  })

  it('is only a big book’s way: a small dormant book wakes for an edit as before', async () => {
    const { metrics, room, original, close } = await open('e6', { big: false })
    expect(room.isDormant).toBe(true)
    const alice = deviceOf(original!)
    alice.doc.getMap('m').set('small', 'edit')
    room.applyRemote(alice.sent[0]!, 'alice', listener())
    expect([room.isDormant, await counter(metrics.bookWakes), await counter(metrics.dormantUpdates)]).toEqual([false, 1, 0])
    await close()
  })
})
