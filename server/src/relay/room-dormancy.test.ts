// Dormant rooms: a book held encoded serves sync and presence without decoding, wakes on the
// first use of its document, goes back to sleep when idle, and loses nothing on the way.
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { decodeMessage } from '@crm-sync/protocol'
import { createMetrics } from '../metrics'
import { createMemoryDocStore } from '../store/memory-doc-store'
import type { DocStore } from '../store/doc-store'
import { storeSnapshotBook } from '../testing/snapshot-book'
import { RoomRegistry } from './room-registry'
import { compactionPolicy } from './compaction-policy'

const makeRegistry = (store: DocStore) =>
  new RoomRegistry({ store, metrics: createMetrics(), log: pino({ level: 'silent' }), unloadGraceMs: 0, compaction: compactionPolicy(1000) })

const syncPayload = (frame: Uint8Array): Uint8Array => {
  const m = decodeMessage(frame)
  if (m.type !== 'sync') throw new Error('expected a sync frame')
  return m.payload
}

/** The one frame of a reply (no tail). */
const only = (frames: Uint8Array[]): Uint8Array => {
  expect(frames).toHaveLength(1)
  return frames[0]!
}

describe('dormant rooms', () => {
  it('serve a book stored as a snapshot to fresh and lagging clients without decoding it', async () => {
    const store = createMemoryDocStore()
    const original = await storeSnapshotBook(store, 'd1', { a: 1, b: 2 })
    const registry = makeRegistry(store)
    const lease = await registry.acquire('d1')
    const { room } = lease
    expect(room.isDormant).toBe(true)

    expect(syncPayload(room.syncStep1())).toEqual(Y.encodeStateVector(original))
    const fresh = new Y.Doc()
    Y.applyUpdate(fresh, syncPayload(only(room.syncReply(Y.encodeStateVector(fresh)))))
    expect(fresh.getMap('m').toJSON()).toEqual({ a: 1, b: 2 })
    const lagging = new Y.Doc()
    Y.applyUpdate(lagging, Y.encodeStateAsUpdate(original))
    const upToDate = Y.decodeUpdate(syncPayload(only(room.syncReply(Y.encodeStateVector(lagging)))))
    expect(upToDate.structs).toHaveLength(0)
    expect(room.isDormant).toBe(true)
    lease.release()
    await registry.close()
  })

  it('keep presence without decoding the book', async () => {
    const store = createMemoryDocStore()
    await storeSnapshotBook(store, 'd2', { a: 1 })
    const registry = makeRegistry(store)
    const lease = await registry.acquire('d2')
    const { room } = lease
    expect(room.presentClientIds()).toEqual([])
    const client = new awarenessProtocol.Awareness(new Y.Doc())
    client.setLocalState({ user: { id: 'alice' } })
    awarenessProtocol.applyAwarenessUpdate(room.awareness, awarenessProtocol.encodeAwarenessUpdate(client, [client.clientID]), 'test')
    expect(room.presentClientIds()).toEqual([client.clientID])
    client.destroy()
    expect(room.isDormant).toBe(true)
    lease.release()
    await registry.close()
  })

  it('wake on the first change, store it, and after an idle sweep go dormant with everything in it', async () => {
    const store = createMemoryDocStore()
    await storeSnapshotBook(store, 'd3', { a: 1 })
    const registry = makeRegistry(store)
    const lease = await registry.acquire('d3')
    const { room } = lease
    await room.change('alice', (doc) => doc.getMap('m').set('b', 2))
    expect(room.isDormant).toBe(false)
    // The first sweep after a use only notes that the room was used.
    expect(room.hibernate()).toBe(false)
    expect(room.hibernate()).toBe(true)
    expect(room.isDormant).toBe(true)
    const fresh = new Y.Doc()
    Y.applyUpdate(fresh, syncPayload(only(room.syncReply(new Uint8Array([0])))))
    expect(fresh.getMap('m').toJSON()).toEqual({ a: 1, b: 2 })

    // Waking again decodes the hibernated state; the next change builds on it.
    await room.change('bob', (doc) => doc.getMap('m').set('c', 3))
    expect(room.doc.getMap('m').toJSON()).toEqual({ a: 1, b: 2, c: 3 })
    lease.release()
    await registry.close()
    const reloaded = makeRegistry(store)
    const again = await reloaded.acquire('d3')
    expect(again.room.doc.getMap('m').toJSON()).toEqual({ a: 1, b: 2, c: 3 })
    again.release()
    await reloaded.close()
  })

  it('do not hibernate while a write is in flight', async () => {
    const store = createMemoryDocStore()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const slow: DocStore = { ...store, append: async (id, e) => (await gate, store.append(id, e)) }
    const registry = makeRegistry(slow)
    const lease = await registry.acquire('d4')
    const write = lease.room.change('alice', (doc) => doc.getMap('m').set('a', 1))
    lease.room.hibernate()
    expect(lease.room.hibernate()).toBe(false)
    release()
    await write
    expect(lease.room.hibernate()).toBe(true)
    lease.release()
    await registry.close()
  })

  it('fold their log into a snapshot when they unload, so the next load is dormant', async () => {
    const store = createMemoryDocStore()
    const registry = makeRegistry(store)
    const first = await registry.acquire('d5')
    for (let i = 0; i < 5; i++) await first.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
    first.release()
    await registry.close()
    const loaded = await store.load('d5')
    expect(loaded.updates).toHaveLength(0)
    expect(loaded.snapshot).not.toBeNull()
    expect((await store.readSince('d5', 0)).length).toBe(5)

    const next = makeRegistry(store)
    const lease = await next.acquire('d5')
    const { room } = lease
    expect(room.isDormant).toBe(true)
    expect(room.headSeq).toBe(5)
    expect(room.doc.getMap('m').size).toBe(5)
    lease.release()
    await next.close()
  })

  it('skip catch-up entries they already applied without waking', async () => {
    const store = createMemoryDocStore()
    await storeSnapshotBook(store, 'd6', { a: 1 })
    const registry = makeRegistry(store)
    const lease = await registry.acquire('d6')
    const { room } = lease
    room.applyStored(await store.readSince('d6', 0))
    expect(room.isDormant).toBe(true)
    lease.release()
    await registry.close()
  })
})
