// A big book's snapshot, written from the worker, is stored with the worker's index of it: the book
// loaded from the store answers a joining client's sync step 1 and a lagging client's step 2
// without walking its bytes on the event loop. An index that does not decode is left out: the
// book loads and serves as before, walked.
import pino from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { decodeIndexParts, decodeMessage, encodeSyncStep1, UpdateIndex } from '@crm-sync/protocol'
import { createMetrics } from '../metrics'
import type { DocStore } from '../store/doc-store'
import { createMemoryDocStore } from '../store/memory-doc-store'
import { storeSnapshotBook } from '../testing/snapshot-book'
import { compactionPolicy } from './compaction-policy'
import { INDEX_FROM_BYTES } from './encoded-state'
import { RoomRegistry } from './room-registry'
import { createWorkerSnapshotEncoder } from './snapshot-encoder'

const BOOK = 'indexed'
const registries: RoomRegistry[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  for (const r of registries.splice(0)) await r.close()
})

const registryOn = (store: DocStore) => {
  const registry = new RoomRegistry({
    store, metrics: createMetrics(), log: pino({ level: 'silent' }), unloadGraceMs: 0,
    compaction: compactionPolicy(5, 0), snapshotEncoder: createWorkerSnapshotEncoder(), offloadEncodeFromBytes: 10_000,
  })
  registries.push(registry)
  return registry
}

/** A book past INDEX_FROM_BYTES, five edits on it through a room (a compaction on the worker), then its room dropped. */
const compactedBook = async () => {
  const store = createMemoryDocStore()
  await storeSnapshotBook(store, BOOK, { notes: 'x'.repeat(INDEX_FROM_BYTES + 10_000) })
  const registry = registryOn(store)
  const lease = await registry.acquire(BOOK)
  for (let i = 0; i < 5; i++) await lease.room.change('alice', (doc) => doc.getMap('m').set(`k${i}`, i))
  await lease.room.flush()
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(lease.room.doc))
  lease.release()
  await registry.close()
  return { store, doc }
}

const payloadOf = (frame: Uint8Array) => {
  const m = decodeMessage(frame)
  if (m.type !== 'sync') throw new Error('expected a sync frame')
  return m.payload
}

describe('a big book loaded with the index stored beside its snapshot', () => {
  it('answers joining and lagging clients without walking its bytes', async () => {
    const { store, doc } = await compactedBook()
    const loaded = await store.load(BOOK)
    expect(loaded.snapshotSeq).toBe(6)
    expect(UpdateIndex.fromParts(loaded.snapshot!, decodeIndexParts(loaded.snapshotIndex!)).stateVector()).toEqual(Y.encodeStateVector(doc))

    const walks = vi.spyOn(UpdateIndex, 'of')
    const room = (await registryOn(store).acquire(BOOK)).room
    expect(room.isDormant).toBe(true)
    expect(room.syncStep1()).toEqual(encodeSyncStep1(Y.encodeStateVector(doc)))
    // A device that has the book up to the third edit.
    const device = new Y.Doc()
    Y.applyUpdate(device, Y.encodeStateAsUpdate(doc))
    const behind = new Y.Doc()
    const [stored] = await store.readSince(BOOK, 0, 1)
    Y.applyUpdate(behind, stored!.update)
    const [step2] = room.syncReply(Y.encodeStateVector(behind))
    Y.applyUpdate(behind, payloadOf(step2!))
    expect(behind.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON())
    expect(walks).not.toHaveBeenCalled()
  }, 30_000)

  it('walks the bytes as before when the stored index does not decode', async () => {
    const { store, doc } = await compactedBook()
    const loaded = await store.load(BOOK)
    const broken: DocStore = { ...store, load: async (id) => ({ ...(await store.load(id)), snapshotIndex: loaded.snapshotIndex!.subarray(0, 5) }) }
    const walks = vi.spyOn(UpdateIndex, 'of')
    const room = (await registryOn(broken).acquire(BOOK)).room
    expect(room.syncStep1()).toEqual(encodeSyncStep1(Y.encodeStateVector(doc)))
    expect(walks).toHaveBeenCalledTimes(1)
  }, 30_000)
})
