// Loading, sharing, unloading and compacting books in memory, on the memory store.
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createLocalFanOut } from '../fanout/fan-out'
import { createMetrics } from '../metrics'
import { createMemoryDocStore } from '../store/memory-doc-store'
import type { DocStore } from '../store/doc-store'
import { StoreError } from '../store/store-error'
import type { Room } from './room'
import { storeBigSnapshotBook } from '../testing/snapshot-book'
import { RoomRegistry } from './room-registry'
import { waitFor } from '../testing/ws-clients'
import { compactionPolicy } from './compaction-policy'
import { SnapshotEncodeError, createWorkerSnapshotEncoder, type SnapshotEncoder } from './snapshot-encoder'

const makeRegistry = (store: DocStore, extra: Partial<ConstructorParameters<typeof RoomRegistry>[0]> = {}) =>
  new RoomRegistry({ store, metrics: createMetrics(), log: pino({ level: 'silent' }), unloadGraceMs: 30, compaction: compactionPolicy(1000), ...extra })

const slowLoads = (store: DocStore, ms: number): DocStore => ({
  ...store,
  load: async (id) => {
    await new Promise((r) => setTimeout(r, ms))
    return store.load(id)
  },
})

describe('RoomRegistry', () => {
  it('loads a book once for concurrent users and only serves it loaded', async () => {
    const store = createMemoryDocStore()
    const seed = new Y.Doc()
    seed.getMap('book').set('name', 'Seeded')
    await store.append('b1', [{ update: Y.encodeStateAsUpdate(seed), userId: 'u' }])
    let loads = 0
    const counted: DocStore = { ...slowLoads(store, 20), load: (id) => (loads++, slowLoads(store, 20).load(id)) }
    const registry = makeRegistry(counted)
    const [a, b] = await Promise.all([registry.acquire('b1'), registry.acquire('b1')])
    expect(loads).toBe(1)
    expect(a.room).toBe(b.room)
    expect(a.room.doc.getMap('book').get('name')).toBe('Seeded')
    a.release()
    b.release()
    await registry.close()
  })

  it('unloads a grace period after the last user leaves, and keeps it while someone comes back', async () => {
    const registry = makeRegistry(createMemoryDocStore())
    const first = await registry.acquire('b2')
    first.release()
    expect(registry.loadedCount).toBe(1)
    const again = await registry.acquire('b2')
    expect(again.room).toBe(first.room)
    await new Promise((r) => setTimeout(r, 60))
    expect(registry.loadedCount).toBe(1)
    again.release()
    await waitFor(() => registry.loadedCount === 0, 1000, 'unload')
    const reloaded = await registry.acquire('b2')
    expect(reloaded.room).not.toBe(first.room)
    reloaded.release()
    await registry.close()
  })

  it('compacts the log into a snapshot encoded from the document once it passes the threshold', async () => {
    // Entries stamped a minute ago, so a zero retention prunes every folded one.
    const store = createMemoryDocStore({ now: () => Date.now() - 60_000 })
    const registry = makeRegistry(store, { compaction: compactionPolicy(10), logRetentionMs: 0 })
    const lease = await registry.acquire('b3')
    for (let i = 0; i < 25; i++) await lease.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
    await lease.room.flush()
    const loaded = await store.load('b3')
    expect(loaded.snapshot).not.toBeNull()
    expect(loaded.updates.length).toBeLessThan(10)
    expect(await store.readSince('b3', 0)).toHaveLength(loaded.updates.length)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, loaded.snapshot!)
    for (const u of loaded.updates) Y.applyUpdate(doc, u.update)
    expect(doc.getMap('m').size).toBe(25)
    lease.release()
    await registry.close()
  })

  it('prunes every expired folded entry after a compaction, however many batches that takes', async () => {
    const store = createMemoryDocStore({ now: () => Date.now() - 60_000 })
    const registry = makeRegistry(store, { compaction: compactionPolicy(10), logRetentionMs: 0, pruneBatch: 3 })
    const lease = await registry.acquire('b7')
    for (let i = 0; i < 25; i++) await lease.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
    await lease.room.flush()
    const loaded = await store.load('b7')
    expect(loaded.snapshotSeq).toBeGreaterThanOrEqual(10)
    // Only entries after the snapshot are left: none of the folded ones, though each call deletes 3.
    expect((await store.readSince('b7', 0)).map((u) => u.seq)).toEqual(loaded.updates.map((u) => u.seq))
    expect(loaded.updates.every((u) => u.seq > loaded.snapshotSeq)).toBe(true)
    lease.release()
    await registry.close()
  })

  it('lets the log of a big book grow to a share of its snapshot before compacting again', async () => {
    const store = createMemoryDocStore()
    await storeBigSnapshotBook(store, 'b6')
    const snapshotSeq = async () => (await store.load('b6')).snapshotSeq
    // At least 10 entries, and a tenth of the ≈20 KB snapshot; at most 30 entries.
    const registry = makeRegistry(store, { compaction: compactionPolicy(10, 0.1, 3) })
    const lease = await registry.acquire('b6')
    for (let i = 0; i < 20; i++) await lease.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
    await lease.room.flush()
    expect(await snapshotSeq()).toBe(1)
    await lease.room.change('alice', (doc) => doc.getMap('m').set('big', 'y'.repeat(2_000)))
    await lease.room.flush()
    expect(await snapshotSeq()).toBe(22)
    // Small entries only: the cap on entries compacts.
    for (let i = 0; i < 30; i++) await lease.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, -i))
    await lease.room.flush()
    expect(await snapshotSeq()).toBe(52)
    lease.release()
    await registry.close()
  })

  it("weighs another instance's entries left beyond a gap in the next compaction, and waits for the gap to close", async () => {
    const store = createMemoryDocStore()
    await storeBigSnapshotBook(store, 'b8')
    let compactCalls = 0
    const counted: DocStore = { ...store, compact: (...args) => (compactCalls++, store.compact(...args)) }
    const snapshotSeq = async () => (await store.load('b8')).snapshotSeq
    const elsewhere = (key: string, value: string) => {
      const doc = new Y.Doc()
      doc.getMap('m').set(key, value)
      return { update: Y.encodeStateAsUpdate(doc), userId: 'v' }
    }
    // At least 2 entries, and a tenth of the ≈20 KB snapshot. A fan-out of several instances, which
    // fills gaps itself (here: by hand, below), not the room.
    const fanOut = { ...createLocalFanOut(), catchesUpGaps: true }
    const registry = makeRegistry(counted, { compaction: compactionPolicy(2, 0.1, 1000), fanOut })
    const lease = await registry.acquire('b8')
    const room = lease.room
    const edit = async (i: number) => {
      await room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
      await room.flush()
    }
    await edit(2)
    await edit(3)
    // Another instance stores 4 (small) and 5 (3 KB); only 5 reaches this room: a gap at 4.
    const [four, five] = await store.append('b8', [elsewhere('small', 's'), elsewhere('big', 'y'.repeat(3_000))])
    room.applyStored([five!])
    await edit(6)
    expect(await snapshotSeq()).toBe(3) // due by bytes; folded up to the gap
    await edit(7)
    expect(compactCalls).toBe(1) // nothing new to fold while the gap holds
    room.applyStored([four!])
    await edit(8)
    // Entry 5's 3 KB still follow the snapshot and count: the log is due, everything folds.
    expect(await snapshotSeq()).toBe(8)
    const doc = new Y.Doc()
    Y.applyUpdate(doc, (await store.load('b8')).snapshot!)
    expect(doc.getMap('m').get('big')).toBe('y'.repeat(3_000))
    expect(doc.getMap('m').get('small')).toBe('s')
    lease.release()
    await registry.close()
  })

  describe('with a snapshot encoder (big books encoded off the event loop)', () => {
    /** A book past the offload size: a 20 KB snapshot; offloading from 10 KB. */
    const bigBook = async (bookId: string) => {
      const store = createMemoryDocStore()
      await storeBigSnapshotBook(store, bookId)
      return store
    }
    /** `asked`: jobs handed to the encoder; `calls`: the entries of each job it read a source for. */
    const counting = (inner: SnapshotEncoder) => {
      const calls: number[] = []
      let asked = 0
      const encoder: SnapshotEncoder = {
        encode: (source) => {
          asked++
          return inner.encode(async () => {
            const read = await source()
            if (read) calls.push(read.updates.length)
            return read
          })
        },
        close: () => inner.close(),
      }
      return { encoder, calls, asked: () => asked }
    }
    const offloading = (store: DocStore, snapshotEncoder: SnapshotEncoder) =>
      makeRegistry(store, { compaction: compactionPolicy(5, 0, 1000), snapshotEncoder, offloadEncodeFromBytes: 10_000 })

    it("hands an awake big book's compaction to the encoder, with the stored snapshot and the entries up to it", async () => {
      const store = await bigBook('b9')
      const reads: string[] = []
      const watched: DocStore = {
        ...store,
        load: (id) => (reads.push('load'), store.load(id)),
        readSince: (id, after, limit) => (reads.push(`since ${after} limit ${limit}`), store.readSince(id, after, limit)),
      }
      const { encoder, calls } = counting(createWorkerSnapshotEncoder())
      const metrics = createMetrics()
      const registry = makeRegistry(watched, { compaction: compactionPolicy(5, 0, 1000), snapshotEncoder: encoder, offloadEncodeFromBytes: 10_000, metrics })
      const lease = await registry.acquire('b9')
      for (let i = 0; i < 5; i++) await lease.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
      await lease.room.flush()
      expect(calls).toEqual([5])
      expect((await metrics.snapshotsEncodedOffLoop.get()).values[0]!.value).toBe(1)
      const loaded = await store.load('b9')
      expect(loaded.snapshotSeq).toBe(6)
      expect(Buffer.from(loaded.snapshot!).equals(Buffer.from(Y.encodeStateAsUpdate(lease.room.doc)))).toBe(true)
      // The snapshot it loaded with, then the one it wrote: each compaction reads only the entries after it.
      for (let i = 5; i < 10; i++) await lease.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
      await lease.room.flush()
      expect(reads).toEqual(['load', 'since 1 limit 5', 'since 6 limit 5'])
      const again = await store.load('b9')
      expect(again.snapshotSeq).toBe(11)
      expect(Buffer.from(again.snapshot!).equals(Buffer.from(Y.encodeStateAsUpdate(lease.room.doc)))).toBe(true)
      lease.release()
      await registry.close()
      // The registry closed its encoder.
      await expect(encoder.encode(() => Promise.resolve(null))).rejects.toMatchObject({ code: 'closed' })
    })

    it('encodes on the event loop when the encoder fails, and for books under the offload size', async () => {
      const store = await bigBook('b10')
      const failing: SnapshotEncoder = {
        encode: () => Promise.reject(new SnapshotEncodeError('failed', 'out of memory, say')),
        close: () => Promise.resolve(),
      }
      const registry = offloading(store, failing)
      const lease = await registry.acquire('b10')
      for (let i = 0; i < 5; i++) await lease.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
      await lease.room.flush()
      const stored = await store.load('b10')
      expect(stored.snapshotSeq).toBe(6)
      expect(Buffer.from(stored.snapshot!).equals(Buffer.from(Y.encodeStateAsUpdate(lease.room.doc)))).toBe(true)
      lease.release()

      const smallStore = createMemoryDocStore()
      const { encoder, asked } = counting(createWorkerSnapshotEncoder())
      const small = makeRegistry(smallStore, { compaction: compactionPolicy(5, 0, 1000), snapshotEncoder: encoder, offloadEncodeFromBytes: 10_000 })
      const smallLease = await small.acquire('b11')
      for (let i = 0; i < 5; i++) await smallLease.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
      await smallLease.room.flush()
      expect((await smallStore.load('b11')).snapshotSeq).toBe(5)
      expect(asked()).toBe(0)
      smallLease.release()
      await Promise.all([registry.close(), small.close()])
    })

    it('waits for what the document took while the encoder worked before encoding it here', async () => {
      const inner = await bigBook('b13')
      const events: string[] = []
      let slow = false
      const store: DocStore = {
        ...inner,
        append: async (id, entries) => {
          if (slow) await new Promise((r) => setTimeout(r, 50))
          const stored = await inner.append(id, entries)
          if (slow) events.push('late entry stored')
          return stored
        },
        compact: (...args) => (events.push('compact'), inner.compact(...args)),
      }
      let room: Room | null = null
      // The encoder fails after the room took another edit, whose append is still in flight.
      const failing: SnapshotEncoder = {
        encode: async () => {
          slow = true
          void room!.change('alice', (doc) => doc.getMap('m').set('late', true))
          throw new SnapshotEncodeError('failed', 'out of memory, say')
        },
        close: () => Promise.resolve(),
      }
      const registry = offloading(store, failing)
      const lease = await registry.acquire('b13')
      room = lease.room
      for (let i = 0; i < 5; i++) await lease.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
      await lease.room.flush()
      expect(events).toEqual(['late entry stored', 'compact'])
      const doc = new Y.Doc()
      Y.applyUpdate(doc, (await inner.load('b13')).snapshot!)
      expect(doc.getMap('m').get('late')).toBe(true)
      lease.release()
      await registry.close()
    })

    it("leaves another instance's snapshot that already covers the compaction in place (it pruned what it folded)", async () => {
      const store = await bigBook('b12')
      let compactCalls = 0
      let loads = 0
      let race: (() => Promise<void>) | null = null
      const raced: DocStore = {
        ...store,
        compact: (...args) => (compactCalls++, store.compact(...args)),
        load: (id) => (loads++, store.load(id)),
        readSince: async (id, after, limit) => {
          const other = race
          race = null
          await other?.()
          return store.readSince(id, after, limit)
        },
      }
      const { encoder, calls, asked } = counting(createWorkerSnapshotEncoder())
      const registry = offloading(raced, encoder)
      const lease = await registry.acquire('b12')
      for (let i = 0; i < 4; i++) await lease.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
      await lease.room.flush()
      // While this room's compaction through seq 6 reads the store, another instance appends seq 7
      // and compacts through it.
      race = async () => {
        const other = new Y.Doc()
        Y.applyUpdate(other, Y.encodeStateAsUpdate(lease.room.doc))
        other.getMap('m').set('elsewhere', true)
        await store.append('b12', [{ update: Y.encodeStateAsUpdate(other), userId: 'v' }])
        await store.compact('b12', Y.encodeStateAsUpdate(other), 7)
        await store.pruneLog('b12', Date.now() + 1)
      }
      const loadsBefore = loads
      await lease.room.change('alice', (doc) => doc.getMap('m').set('k4', 4))
      await lease.room.flush()
      expect(race).toBeNull()
      expect(loads - loadsBefore).toBe(1) // the entries after the snapshot it knows are gone: it reads the store's
      expect(calls).toEqual([]) // asked, and cancelled once it read the store
      expect(asked()).toBe(1)
      expect(compactCalls).toBe(0)
      expect((await store.load('b12')).snapshotSeq).toBe(7)
      lease.release()
      await registry.close()
    })

    it("writes its own snapshot when another instance's newer one left the entries in place; the store keeps the newer", async () => {
      const store = await bigBook('b14')
      let race: (() => Promise<void>) | null = null
      const raced: DocStore = {
        ...store,
        readSince: async (id, after, limit) => {
          const other = race
          race = null
          await other?.()
          return store.readSince(id, after, limit)
        },
      }
      const { encoder, calls } = counting(createWorkerSnapshotEncoder())
      const registry = offloading(raced, encoder)
      const lease = await registry.acquire('b14')
      for (let i = 0; i < 4; i++) await lease.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
      await lease.room.flush()
      let elsewhere: Uint8Array | null = null
      race = async () => {
        const other = new Y.Doc()
        Y.applyUpdate(other, Y.encodeStateAsUpdate(lease.room.doc))
        other.getMap('m').set('elsewhere', true)
        await store.append('b14', [{ update: Y.encodeStateAsUpdate(other), userId: 'v' }])
        await store.compact('b14', (elsewhere = Y.encodeStateAsUpdate(other)), 7)
      }
      await lease.room.change('alice', (doc) => doc.getMap('m').set('k4', 4))
      await lease.room.flush()
      expect(race).toBeNull()
      expect(calls).toEqual([5]) // the entries 2 to 6, on the snapshot it loaded with
      const stored = await store.load('b14')
      expect(stored.snapshotSeq).toBe(7)
      expect(Buffer.from(stored.snapshot!).equals(Buffer.from(elsewhere!))).toBe(true)
      lease.release()
      await registry.close()
    })
  })

  it('drops a room whose store failed, so a reload starts from what is durable', async () => {
    const store = createMemoryDocStore()
    let fail = false
    const flaky: DocStore = { ...store, append: (id, e) => (fail ? Promise.reject(new Error('disk full')) : store.append(id, e)) }
    const failed: string[] = []
    const registry = makeRegistry(flaky, { onRoomFailed: (r) => failed.push(r.bookId) })
    const lease = await registry.acquire('b4')
    await lease.room.change('alice', (doc) => doc.getMap('m').set('kept', 1))
    fail = true
    await expect(lease.room.change('alice', (doc) => doc.getMap('m').set('lost', 1))).rejects.toThrow('disk full')
    expect(failed).toEqual(['b4'])
    expect(registry.loadedCount).toBe(0)
    fail = false
    const fresh = await registry.acquire('b4')
    expect(fresh.room.doc.getMap('m').toJSON()).toEqual({ kept: 1 })
    fresh.release()
    await registry.close()
  })
})

describe('Room.whenDurable', () => {
  it('waits for appends that were in flight when it was called, not later ones', async () => {
    const store = createMemoryDocStore()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let gated = true
    const slow: DocStore = { ...store, append: async (id, e) => (gated ? (await gate, store.append(id, e)) : store.append(id, e)) }
    const registry = makeRegistry(slow)
    const lease = await registry.acquire('b5')
    const first = lease.room.change('alice', (doc) => doc.getMap('m').set('a', 1))
    let settled = false
    const waiting = lease.room.whenDurable().then(() => (settled = true))
    await new Promise((r) => setTimeout(r, 20))
    expect(settled).toBe(false)
    gated = false
    release()
    await first
    await waiting
    expect(settled).toBe(true)
    lease.release()
    await registry.close()
  })

  it('counts failed loads by the store\'s code and times the one that succeeds', async () => {
    const store = createMemoryDocStore()
    let refusals = 2
    const timingOut: DocStore = {
      ...store,
      load: (id) => (refusals-- > 0 ? Promise.reject(new StoreError('timeout', 'statement cancelled')) : store.load(id)),
    }
    const metrics = createMetrics()
    const registry = makeRegistry(timingOut, { metrics })
    for (let i = 0; i < 2; i++) await expect(registry.acquire('slow')).rejects.toMatchObject({ code: 'timeout' })
    expect(registry.loadFailures.failuresOf('slow')).toBe(2)
    expect((await metrics.bookLoadFailures.get()).values).toMatchObject([{ labels: { reason: 'timeout' }, value: 2 }])
    const lease = await registry.acquire('slow')
    expect(registry.loadFailures.failuresOf('slow')).toBe(0)
    const loads = (await metrics.bookLoadSeconds.get()).values.find((v) => v.metricName === 'crm_relay_book_load_seconds_count')
    expect(loads?.value).toBe(1)
    lease.release()
    await registry.close()
  })

  it('reads from the store an entry it never saw once its own append shows the gap (a commit applied after all)', async () => {
    const store = createMemoryDocStore()
    const registry = makeRegistry(store)
    const lease = await registry.acquire('gap')
    const room = lease.room
    await room.change('alice', (doc) => doc.getMap('m').set('a', 1))
    // Committed behind the room's back, as a COMMIT whose answer never came and that the server
    // applied after all (the room was dropped for it and loaded again before).
    const elsewhere = new Y.Doc()
    elsewhere.getMap('m').set('b', 2)
    expect((await store.append('gap', [{ update: Y.encodeStateAsUpdate(elsewhere), userId: 'bob' }]))[0]!.seq).toBe(2)
    await room.change('alice', (doc) => doc.getMap('m').set('c', 3))
    await waitFor(() => room.seqs.contiguous === 3, 2_000, 'the gap filled')
    expect(room.doc.getMap('m').toJSON()).toEqual({ a: 1, b: 2, c: 3 })
    lease.release()
    await registry.close()
  })
})
