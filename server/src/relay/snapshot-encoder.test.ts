// The worker-thread snapshot encoder: the same state as encoding the document here, garbage
// collected the same way, one job at a time, and typed errors for a failed job and after close().
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { UpdateIndex } from '@crm-sync/protocol'
import { INDEX_FROM_BYTES } from './encoded-state'
import { STATE_HEAD_ROOM, SnapshotEncodeError, createWorkerSnapshotEncoder, snapshotEncoderFor } from './snapshot-encoder'

/** A book's snapshot, then log entries that add customers and delete a long note. */
const history = () => {
  const doc = new Y.Doc()
  const customers = doc.getMap<Y.Map<string>>('customers')
  doc.transact(() => {
    const c = new Y.Map<string>()
    customers.set('c1', c)
    c.set('name', 'Acme')
    c.set('notes', 'n'.repeat(50_000))
  })
  const base = Y.encodeStateAsUpdate(doc)
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 2; i <= 40; i++) {
    doc.transact(() => {
      const c = new Y.Map<string>()
      customers.set(`c${i}`, c)
      c.set('name', `Customer ${i}`)
    })
  }
  customers.get('c1')!.delete('notes')
  return { doc, base, updates }
}

/** A job's source; a copy of `base`, since the encoder may hand the buffer itself to the worker. */
const source = (base: Uint8Array | null, updates: readonly Uint8Array[]) => () => Promise.resolve({ base: base?.slice() ?? null, updates })

describe('createWorkerSnapshotEncoder', () => {
  it('encodes the stored snapshot with the log applied, as encoding the document here would', async () => {
    const { doc, base, updates } = history()
    const encoder = createWorkerSnapshotEncoder()
    const handedOver = base.slice()
    const encoded = await encoder.encode(() => Promise.resolve({ base: handedOver, updates }))
    expect(handedOver.byteLength).toBe(0) // transferred to the worker, not copied
    await encoder.close()
    expect(Buffer.from(encoded!.state).equals(Buffer.from(Y.encodeStateAsUpdate(doc)))).toBe(true)
    expect(encoded!.stateVector).toEqual(Y.encodeStateVector(doc))
    const rebuilt = new Y.Doc()
    Y.applyUpdate(rebuilt, encoded!.state)
    expect(rebuilt.getMap('customers').toJSON()).toEqual(doc.getMap('customers').toJSON())
    // The deleted 50 KB note is garbage collected, not carried into the snapshot.
    expect(encoded!.state.length).toBeLessThan(5_000)
    // In shared memory the worker allocated, with room in front for a frame's head.
    expect(encoded!.state.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect([encoded!.headRoom, encoded!.state.byteOffset]).toEqual([STATE_HEAD_ROOM, STATE_HEAD_ROOM])
  })

  it("hands a big book's index over with it (walked on the worker), a small one's not", async () => {
    const doc = new Y.Doc()
    doc.getMap('m').set('notes', 'n'.repeat(INDEX_FROM_BYTES))
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    doc.getMap('m').set('k', 'v')
    const encoder = createWorkerSnapshotEncoder()
    const big = await encoder.encode(source(Y.encodeStateAsUpdate(doc), updates))
    const small = await encoder.encode(source(null, [updates[0]!]))
    await encoder.close()
    const index = UpdateIndex.fromParts(big!.state, big!.index!)
    expect(index.stateVector()).toEqual(Y.encodeStateVector(doc))
    expect(index.diff(Y.encodeStateVector(doc))).toEqual(UpdateIndex.of(big!.state).diff(Y.encodeStateVector(doc)))
    expect(small!.index).toBeNull()
  })

  it('encodes a book without a snapshot from its log alone', async () => {
    const { doc, updates } = history()
    const fresh = new Y.Doc()
    for (const u of updates) Y.applyUpdate(fresh, u)
    const encoder = createWorkerSnapshotEncoder()
    const encoded = await encoder.encode(source(null, updates))
    await encoder.close()
    expect(Buffer.from(encoded!.state).equals(Buffer.from(Y.encodeStateAsUpdate(fresh)))).toBe(true)
    expect(encoded!.stateVector).toEqual(Y.encodeStateVector(fresh))
    expect(doc.getMap('customers').size).toBe(40)
  })

  it('counts a stored entry Yjs throws on and applies the others, as a room applying stored entries does', async () => {
    const { base, updates } = history()
    const encoder = createWorkerSnapshotEncoder()
    const encoded = await encoder.encode(source(base.slice(), [updates[0]!, new Uint8Array([1, 2, 3]), ...updates.slice(1)]))
    await encoder.close()
    expect(encoded!.unappliable).toBe(1)
    const expected = new Y.Doc()
    Y.applyUpdate(expected, base)
    for (const u of updates) Y.applyUpdate(expected, u)
    expect(encoded!.stateVector).toEqual(Y.encodeStateVector(expected))
  })

  it('rejects with a typed error when the base cannot be read, and keeps serving', async () => {
    const { base, updates } = history()
    const encoder = createWorkerSnapshotEncoder()
    const failed = encoder.encode(source(new Uint8Array([1, 2, 3]), updates))
    await expect(failed).rejects.toBeInstanceOf(SnapshotEncodeError)
    await expect(failed).rejects.toMatchObject({ code: 'failed' })
    expect((await encoder.encode(source(base, updates)))!.unappliable).toBe(0)
    await encoder.close()
  })

  it("reads a job's source only when its turn comes; a source that returns null cancels the job", async () => {
    const { base, updates } = history()
    const encoder = createWorkerSnapshotEncoder()
    const events: string[] = []
    const first = encoder.encode(async () => (events.push('first read'), { base: base.slice(), updates })).then(() => events.push('first done'))
    const second = encoder.encode(async () => (events.push('second read'), null))
    expect(await second).toBeNull()
    await first
    expect(events).toEqual(['first read', 'first done', 'second read'])
    await encoder.close()
  })

  it('runs one job at a time, and close() waits for it and refuses later ones', async () => {
    const { base, updates } = history()
    const encoder = createWorkerSnapshotEncoder()
    const order: string[] = []
    const first = encoder.encode(source(base, updates)).then(() => order.push('first'))
    const second = encoder.encode(source(null, updates.slice(0, 3))).then(() => order.push('second'))
    const closing = encoder.close().then(() => order.push('closed'))
    await Promise.all([first, second, closing])
    expect(order).toEqual(['first', 'second', 'closed'])
    await expect(encoder.encode(source(base, []))).rejects.toMatchObject({ name: 'SnapshotEncodeError', code: 'closed' })
  })
})

describe('snapshotEncoderFor', () => {
  it('uses a worker only where the process has another core to run it on', async () => {
    expect(snapshotEncoderFor(1)).toBeNull()
    const encoder = snapshotEncoderFor(2)
    expect(encoder).not.toBeNull()
    await encoder!.close()
  })
})
