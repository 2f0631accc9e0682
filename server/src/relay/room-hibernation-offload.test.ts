// A big awake book going dormant: with a snapshot encoder, the worker encodes it (stored only if a
// compaction is due) and the book adopts that encoding, so the event loop encodes nothing; a change
// meanwhile, or a gap in the entries, and the adoption is refused and the book still goes dormant
// holding everything.
import pino from 'pino'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { decodeMessage } from '@crm-sync/protocol'
import { createMetrics } from '../metrics'
import type { DocStore } from '../store/doc-store'
import { createMemoryDocStore } from '../store/memory-doc-store'
import { storeBigSnapshotBook } from '../testing/snapshot-book'
import { compactionPolicy } from './compaction-policy'
import type { Room } from './room'
import { RoomRegistry } from './room-registry'
import { createWorkerSnapshotEncoder, type SnapshotEncoder } from './snapshot-encoder'

/** Every Y.encodeStateAsUpdate, and every state vector read from a whole update, on this thread (the worker has its own Yjs). */
const encodes = vi.hoisted(() => ({ count: 0, stateVectorPasses: 0 }))
vi.mock('yjs', async (importOriginal) => {
  const yjs = await importOriginal<typeof import('yjs')>()
  return {
    ...yjs,
    encodeStateAsUpdate: (...args: Parameters<typeof yjs.encodeStateAsUpdate>) => {
      encodes.count++
      return yjs.encodeStateAsUpdate(...args)
    },
    encodeStateVectorFromUpdate: (...args: Parameters<typeof yjs.encodeStateVectorFromUpdate>) => {
      encodes.stateVectorPasses++
      return yjs.encodeStateVectorFromUpdate(...args)
    },
  }
})

/** A book past the offload size (a 20 KB snapshot, offloading from 10 KB), awake with 3 entries. */
const openBigBook = async (bookId: string, hook?: (room: Room) => void, wrap: (store: DocStore) => DocStore = (s) => s, minEntries = 1000) => {
  const store = createMemoryDocStore()
  await storeBigSnapshotBook(store, bookId)
  let room: Room | null = null
  let asked = 0
  const inner = createWorkerSnapshotEncoder()
  const encoder: SnapshotEncoder = {
    encode: (source) => {
      asked++
      return inner.encode(async () => {
        const read = await source()
        hook?.(room!)
        return read
      })
    },
    close: () => inner.close(),
  }
  const registry = new RoomRegistry({
    store: wrap(store), metrics: createMetrics(), log: pino({ level: 'silent' }), unloadGraceMs: 0,
    compaction: compactionPolicy(minEntries, 0), snapshotEncoder: encoder, offloadEncodeFromBytes: 10_000,
  })
  const lease = await registry.acquire(bookId)
  room = lease.room
  for (let i = 0; i < 3; i++) await room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
  await room.flush()
  const close = async () => {
    lease.release()
    await registry.close()
  }
  return { store, room, asked: () => asked, close }
}

/** The book as a fresh client would receive it from the room. */
const served = (room: Room): Record<string, unknown> => {
  const [step2, ...more] = room.syncReply(new Uint8Array([0]))
  expect(more).toHaveLength(0)
  const m = decodeMessage(step2!)
  if (m.type !== 'sync') throw new Error('expected a sync frame')
  const doc = new Y.Doc()
  Y.applyUpdate(doc, m.payload)
  const { notes: _notes, ...rest } = doc.getMap('m').toJSON()
  return rest
}

describe('a big book going dormant with a snapshot encoder', () => {
  it('has the worker encode it, and encodes nothing on the event loop', async () => {
    const { store, room, asked, close } = await openBigBook('h1')
    expect(room.hibernate()).toBe(false) // used since the last sweep
    const before = encodes.count
    expect(room.hibernate()).toBe(false) // idle: handed to the worker
    await room.flush()
    expect(asked()).toBe(1)
    expect((await store.load('h1')).snapshotSeq).toBe(1) // 3 entries: no compaction due, none written
    expect(room.hibernate()).toBe(true)
    expect(encodes.count - before).toBe(0)
    expect(served(room)).toEqual({ k0: 0, k1: 1, k2: 2 })
    // The worker's state vector came with its encoding: the next client to join costs no pass over it.
    const passes = encodes.stateVectorPasses
    room.syncStep1()
    expect(encodes.stateVectorPasses).toBe(passes)
    await close()
  })

  it('adopts the snapshot the store holds when it is exactly the document, with no job for the worker', async () => {
    const { store, room, close } = await openBigBook('h6', undefined, undefined, 5) // compactions from 5 entries
    await room.change('alice', (doc) => doc.getMap('m').set('k3', 3))
    await room.change('alice', (doc) => doc.getMap('m').set('k4', 4)) // the 5th entry: the log is folded
    await room.flush()
    expect((await store.load('h6')).snapshotSeq).toBe(6)
    room.hibernate()
    const before = encodes.count
    expect(room.hibernate()).toBe(false) // reads the stored snapshot: it is this document, through seq 6
    await room.flush()
    expect(room.hibernate()).toBe(true)
    expect(encodes.count - before).toBe(0)
    expect(served(room)).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3, k4: 4 })
    await close()
  })

  it('refuses the encoding when the book changed meanwhile, and tries again once it is idle', async () => {
    let changed = false
    const { room, asked, close } = await openBigBook('h2', (r) => {
      if (changed) return
      changed = true
      void r.change('bob', (doc) => doc.getMap('m').set('during', true))
    })
    room.hibernate()
    expect(room.hibernate()).toBe(false)
    await room.flush()
    expect(room.hibernate()).toBe(false) // the change used it
    expect(room.hibernate()).toBe(false) // idle again: a second job for the new state
    await room.flush()
    expect(asked()).toBe(2)
    const before = encodes.count
    expect(room.hibernate()).toBe(true)
    expect(encodes.count - before).toBe(0)
    expect(served(room)).toEqual({ k0: 0, k1: 1, k2: 2, during: true })
    await close()
  })

  it('refuses an encoding the document moved past before its change was even stored', async () => {
    // bob's append takes longer than the worker's job: only the transaction count tells.
    const slowBob = (store: DocStore): DocStore => ({
      ...store,
      append: async (id, entries) => {
        if (entries.some((e) => e.userId === 'bob')) await new Promise((r) => setTimeout(r, 300))
        return store.append(id, entries)
      },
    })
    let changed = false
    const { room, close } = await openBigBook('h4', (r) => {
      if (changed) return
      changed = true
      void r.change('bob', (doc) => doc.getMap('m').set('during', true))
    }, slowBob)
    room.hibernate()
    expect(room.hibernate()).toBe(false)
    await room.flush()
    for (let sweep = 0; sweep < 6 && !room.hibernate(); sweep++) await room.flush()
    expect(room.isDormant).toBe(true)
    expect(served(room)).toEqual({ k0: 0, k1: 1, k2: 2, during: true })
    await close()
  })

  it('has the worker encode it from the snapshot it knows when the store has a newer one that left the entries in place', async () => {
    const { store, room, asked, close } = await openBigBook('h7')
    const other = new Y.Doc()
    other.getMap('m').set('elsewhere', 1)
    const [five] = await store.append('h7', [{ update: Y.encodeStateAsUpdate(other), userId: 'v' }])
    await store.compact('h7', Y.encodeStateAsUpdate(other), five!.seq)
    room.hibernate()
    const before = encodes.count
    expect(room.hibernate()).toBe(false)
    await room.flush()
    expect(asked()).toBe(1)
    expect(room.hibernate()).toBe(true) // the worker's encoding of seqs 1 to 4 is this document
    expect(encodes.count - before).toBe(0)
    expect(served(room)).toEqual({ k0: 0, k1: 1, k2: 2 })
    await close()
  })

  it("encodes here after one try when the store's snapshot is ahead of the document", async () => {
    const { store, room, asked, close } = await openBigBook('h5')
    // Another instance stored 5 and a snapshot through it, which this room has not seen yet, and
    // pruned the entries it folded: the snapshot this room knows is no base any more.
    const other = new Y.Doc()
    other.getMap('m').set('elsewhere', 1)
    const [five] = await store.append('h5', [{ update: Y.encodeStateAsUpdate(other), userId: 'v' }])
    await store.compact('h5', Y.encodeStateAsUpdate(other), five!.seq)
    await store.pruneLog('h5', Date.now() + 1)
    room.hibernate()
    expect(room.hibernate()).toBe(false) // one try: the stored snapshot covers seq 4 but is not this document
    await room.flush()
    expect(asked()).toBe(1)
    const before = encodes.count
    expect(room.hibernate()).toBe(true) // not again for the same state: encoded here
    expect(encodes.count - before).toBe(1)
    expect(served(room)).toEqual({ k0: 0, k1: 1, k2: 2 })
    await close()
  })

  it('goes dormant by encoding here when a gap in the entries rules the worker out', async () => {
    const { store, room, asked, close } = await openBigBook('h3')
    const other = new Y.Doc()
    other.getMap('m').set('elsewhere', 1)
    const [, six] = await store.append('h3', [{ update: new Uint8Array([0, 0]), userId: 'v' }, { update: Y.encodeStateAsUpdate(other), userId: 'v' }])
    room.applyStored([six!]) // 5 has not reached this room
    room.hibernate()
    const before = encodes.count
    expect(room.hibernate()).toBe(true)
    expect(asked()).toBe(0)
    expect(encodes.count - before).toBe(1)
    expect(served(room)).toEqual({ k0: 0, k1: 1, k2: 2, elsewhere: 1 })
    await close()
  })
})
