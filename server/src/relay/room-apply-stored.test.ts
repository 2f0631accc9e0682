// Entries another instance stored reach a room through applyStored (the fan-out, catch-up from
// the store). They are durable already, so a throw in Yjs while applying one does not drop the
// room: what is marked applied has reached the room's peers, and what is not is offered again.
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SYNC_STEP, decodeMessage } from '@crm-sync/protocol'
import { createMetrics } from '../metrics'
import { createMemoryDocStore } from '../store/memory-doc-store'
import { halfAppliableUpdate } from '../testing/half-appliable-update'
import type { BroadcastFrame } from './broadcast-frame'
import { RoomRegistry } from './room-registry'
import { compactionPolicy } from './compaction-policy'

const updateSetting = (map: string, entries: Record<string, unknown>): Uint8Array => {
  const doc = new Y.Doc()
  doc.transact(() => {
    for (const [k, v] of Object.entries(entries)) doc.getMap(map).set(k, v)
  })
  return Y.encodeStateAsUpdate(doc)
}

/** A room on a book holding one entry, with a peer that records what the room sends it. */
const openRoom = async () => {
  const store = createMemoryDocStore()
  await store.append('b', [{ update: updateSetting('m', { first: 1 }), userId: 'u' }])
  const registry = new RoomRegistry({ store, metrics: createMetrics(), log: pino({ level: 'silent' }), unloadGraceMs: 0, compaction: compactionPolicy(1000) })
  const lease = await registry.acquire('b')
  const delivered: Uint8Array[] = []
  lease.room.peers.add({ deliver: (frame: BroadcastFrame) => delivered.push(frame.payload) })
  const close = async () => {
    lease.release()
    await registry.close()
  }
  return { store, room: lease.room, delivered, close }
}

describe('Room.applyStored when Yjs throws', () => {
  it('sends what an observer threw after to the peers, and applies it only once', async () => {
    const { store, room, delivered, close } = await openRoom()
    const [entry] = await store.append('b', [{ update: updateSetting('m', { second: 2, third: 3 }), userId: 'v' }])
    room.doc.getMap('m').observe(() => {
      throw new Error('an observer failed')
    })
    expect(() => room.applyStored([entry!])).toThrow('an observer failed')

    expect(room.isFailed).toBe(false)
    expect(room.seqs.has(entry!.seq)).toBe(true)
    expect(room.doc.getMap('m').toJSON()).toEqual({ first: 1, second: 2, third: 3 })
    expect(delivered).toHaveLength(1)
    const sent = decodeMessage(delivered[0]!)
    if (sent.type !== 'sync') throw new Error(`expected a sync frame, got ${sent.type}`)
    expect(sent.step).toBe(SYNC_STEP.update)
    const peer = new Y.Doc()
    Y.applyUpdate(peer, sent.payload)
    expect(peer.getMap('m').toJSON()).toEqual({ second: 2, third: 3 })

    room.applyStored([entry!]) // a catch-up offering it again: already applied, nothing sent
    expect(delivered).toHaveLength(1)
    await close()
  })

  it('leaves an entry Yjs threw in unmarked, so the catch-up offers it again, and keeps the room', async () => {
    const { store, room, delivered, close } = await openRoom()
    // Stored by something that did not check it (the relay's own check refuses this update).
    const [bad] = await store.append('b', [{ update: halfAppliableUpdate(), userId: 'v' }])
    expect(() => room.applyStored([bad!])).toThrow()

    expect(room.isFailed).toBe(false)
    expect(room.seqs.has(bad!.seq)).toBe(false)
    expect(delivered).toHaveLength(0)
    // What Yjs kept is part of the stored book: a room loaded from the store afresh keeps it too.
    expect(room.doc.getMap('scratch').get('half-applied')).toBe('kept?')

    const [next] = await store.append('b', [{ update: updateSetting('m', { later: 4 }), userId: 'u' }])
    room.applyStored([next!])
    expect(room.doc.getMap('m').get('later')).toBe(4)
    expect(delivered).toHaveLength(1)
    await close()
  })
})
