// What a room's watchers are told (room-watchers.ts): a room loading, before anyone gets it; a
// dormant room decoding its book, before any update is applied to the new document; and a dormant
// big book taking an update into its tail, which no document event shows; and a room leaving memory.
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createMetrics } from '../metrics'
import { createMemoryDocStore } from '../store/memory-doc-store'
import { storeBigSnapshotBook } from '../testing/snapshot-book'
import { compactionPolicy } from './compaction-policy'
import type { Room, RoomPeer } from './room'
import { RoomRegistry } from './room-registry'
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
  const start = () => {
    const store = createMemoryDocStore()
    // The ≈20 KB book counts as big: it loads dormant and takes edits into its tail.
    registry = new RoomRegistry({
      store, metrics: createMetrics(), log: pino({ level: 'silent' }), unloadGraceMs: 30, compaction: compactionPolicy(1000),
      snapshotEncoder: createWorkerSnapshotEncoder(), offloadEncodeFromBytes: 10_000,
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
    await new Promise((r) => setTimeout(r, 100))
    expect(dropped).toEqual([first.room])
    const second = await registry.acquire('small')
    registry.evict(second.room)
    expect(dropped).toEqual([first.room, second.room])
    second.release()
  })
})
