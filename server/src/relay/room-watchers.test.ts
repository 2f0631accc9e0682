// What a room's watchers are told (room-watchers.ts): a room loading, before anyone gets it; a
// dormant room decoding its book, before any update is applied to the new document; and a dormant
// big book taking an update into its tail, which no document event shows; and a room leaving memory,
// once, even when its final flush fails while it unloads.
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createMetrics } from '../metrics'
import { createMemoryDocStore } from '../store/memory-doc-store'
import { storeBigSnapshotBook } from '../testing/snapshot-book'
import { waitFor } from '../testing/ws-clients'
import { compactionPolicy } from './compaction-policy'
import type { Room, RoomPeer } from './room'
import { RoomRegistry, type RoomRegistryOptions } from './room-registry'
import { createWorkerSnapshotEncoder } from './snapshot-encoder'

const peer: RoomPeer = { deliver: () => {} }
const edit = (key: string, value: string): Uint8Array => {
  const doc = new Y.Doc()
  doc.getMap('m').set(key, value)
  return Y.encodeStateAsUpdate(doc)
}

describe('room watchers', () => {
  let registry: RoomRegistry
  afterEach(async () => {
    await registry.close()
  })
  const start = (extra: Partial<RoomRegistryOptions> = {}) => {
    const store = createMemoryDocStore()
    // The ≈20 KB book counts as big: it loads dormant and takes edits into its tail.
    registry = new RoomRegistry({
      store, metrics: createMetrics(), log: pino({ level: 'silent' }), unloadGraceMs: 30, compaction: compactionPolicy(1000),
      snapshotEncoder: createWorkerSnapshotEncoder(), offloadEncodeFromBytes: 10_000, ...extra,
    })
    return store
  }

  it('tells of a load, of updates taken into a dormant tail, and of a wake before the next update applies', async () => {
    const store = start()
    await storeBigSnapshotBook(store, 'big')
    const told: string[] = []
    const seen: string[] = []
    registry.watch({
      loaded: (room) => told.push(`loaded ${room.bookId} ${room.liveDoc ? 'awake' : 'dormant'}`),
      tookDormant: (room) => told.push(`tail ${room.bookId}`),
      woke: (room, doc) => {
        told.push(`woke ${room.bookId}`)
        doc.getMap('m').observe((e) => seen.push(...e.keysChanged))
      },
    })
    const lease = await registry.acquire('big')
    const room: Room = lease.room
    expect(told).toEqual(['loaded big dormant'])
    room.applyRemote(edit('a', 'in the tail'), 'alice', peer)
    expect(room.isDormant).toBe(true)
    expect(told).toEqual(['loaded big dormant', 'tail big'])
    // The tail is in the woken document, shown by no event; the next update is.
    const doc = room.doc
    expect(told.at(-1)).toBe('woke big')
    expect(doc.getMap('m').get('a')).toBe('in the tail')
    room.applyRemote(edit('b', 'awake'), 'alice', peer)
    expect(seen).toEqual(['b'])
    await room.flush()
    lease.release()
  })

  it('tells of a book that loads awake, keeps the room going when a watcher throws, and stops when unwatched', async () => {
    const store = start()
    await store.append('small', [{ update: edit('a', '1'), userId: 'alice' }])
    const told: string[] = []
    registry.watch({
      loaded: () => {
        throw new Error('watcher bug')
      },
    })
    const unwatch = registry.watch({ loaded: (room) => told.push(room.liveDoc ? 'awake' : 'dormant'), tookDormant: () => told.push('tail') })
    const lease = await registry.acquire('small')
    expect(told).toEqual(['awake'])
    expect(lease.room.doc.getMap('m').get('a')).toBe('1')
    unwatch()
    const other = await registry.acquire('other')
    expect(told).toEqual(['awake'])
    other.release()
    lease.release()
  })

  it('tells of a room leaving memory, unloaded after its last user or evicted, once the registry no longer serves it', async () => {
    const store = start()
    await store.append('small', [{ update: edit('a', '1'), userId: 'alice' }])
    const dropped: Room[] = []
    registry.watch({
      dropped: (room) => {
        expect(registry.peek(room.bookId)).toBeUndefined()
        dropped.push(room)
      },
    })
    const first = await registry.acquire('small')
    first.release()
    // After the grace period and the fold (on the worker): waited for, not a fixed sleep.
    await waitFor(() => dropped.length > 0, 5_000, 'the room unloaded')
    expect(dropped).toEqual([first.room])
    const second = await registry.acquire('small')
    registry.evict(second.room)
    expect(dropped).toEqual([first.room, second.room])
    second.release()
  })
  it('tells once of a room whose final flush fails while it unloads: evicted, not unloaded again', async () => {
    const unloaded: Room[] = []
    const store = start({ onRoomUnloaded: (room) => unloaded.push(room) })
    await store.append('small', [{ update: edit('a', '1'), userId: 'alice' }])
    const dropped: Room[] = []
    registry.watch({ dropped: (room) => dropped.push(room) })
    const lease = await registry.acquire('small')
    // The store fails the edit's append only once the unload (30 ms after the release) waits for it.
    store.append = async () => {
      await new Promise((r) => setTimeout(r, 150))
      throw new Error('disk full')
    }
    lease.room.applyRemote(edit('b', '2'), 'alice', peer)
    lease.release()
    await waitFor(() => dropped.length > 0, 5_000, 'the failed room dropped')
    // The unload goes on after the failed fold, within microtasks: given ample time to tell again.
    await new Promise((r) => setTimeout(r, 50))
    expect(lease.room.isFailed).toBe(true)
    expect(dropped).toEqual([lease.room])
    expect(unloaded).toEqual([lease.room])
    expect(registry.peek('small')).toBeUndefined()
  })
})
