// The projection end to end on fake-indexeddb: offered before the document on the next open and
// replaced by it, built once for a book that has none, kept current by rewriting only changed
// customers (not on every keystroke), repaired after a page went away before writing it, rebuilt
// when it does not match the stored document, and never offered for another book.
import { readCustomers } from '@crm-sync/model'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { LocalBatch, LocalStore } from './local-store'
import { BOOK, makeDevice, sleep } from './test-support'

/** A store that records every batch written through it. */
const recording = (store: LocalStore): { store: LocalStore; batches: LocalBatch[] } => {
  const batches: LocalBatch[] = []
  return { batches, store: { ...store, write: (bookId, batch) => (batches.push(batch), store.write(bookId, batch)) } }
}

const seedCustomers = async (device: ReturnType<typeof makeDevice>, names: string[]): Promise<string[]> => {
  const handle = device.open({ connect: false })
  await handle.whenLoaded
  const ids = names.map((name) => handle.customers.create({ name, address: { city: 'Lyon' } }))
  await handle.close()
  return ids
}

describe('projection', () => {
  it('offers the saved customers before the document has loaded, then the document replaces them', async () => {
    const device = makeDevice(null)
    const first = device.open({ connect: false })
    await first.whenLoaded
    const a = first.customers.create({ name: 'Alpha SA', email: 'hi@alpha.example', tags: ['key'] })
    const b = first.customers.create({ name: 'Beta AG', notes: 'Call Monday' })
    first.customers.archive(b)
    first.customers.addContact(a, { firstName: 'Ann', lastName: 'Lee' })
    const expected = readCustomers(first.doc, { includeArchived: true })
    await first.close()

    const handle = device.open({ connect: false })
    let seenAtReadable: { from: string; inDoc: number; projected: unknown; loaded: boolean } | null = null
    let loaded = false
    void handle.whenLoaded.then(() => (loaded = true))
    await handle.whenReadable.then((from) => {
      seenAtReadable = { from, inDoc: handle.doc.getMap('customers').size, projected: handle.projection?.customers, loaded }
    })
    expect(seenAtReadable).toEqual({ from: 'projection', inDoc: 0, projected: expected, loaded: false })
    expect(handle.projection?.get(a)?.contacts[0]?.firstName).toBe('Ann')
    expect(handle.projection?.stale.size).toBe(0)
    const offered = handle.projection!
    await handle.whenLoaded
    expect(handle.projection).toBeNull()
    expect(offered.matches(handle.doc)).toBe(true) // a list built from it stays right
    expect(handle.customers.list({ includeArchived: true })).toEqual(expected)
    handle.customers.set(a, 'name', 'Alpha SAS')
    expect(offered.matches(handle.doc)).toBe(false)
    await handle.close()
  })

  it('resolves from the document when there is no projection yet, and writes the whole one once loaded', async () => {
    const device = makeDevice(null)
    // A book stored by an older version: updates, no projection.
    const old = new Y.Doc()
    const customers = old.getMap<Y.Map<unknown>>('customers')
    const legacy = new Y.Map<unknown>()
    customers.set('legacy-1', legacy)
    legacy.set('id', 'legacy-1')
    legacy.set('name', 'Old Data Ltd')
    await device.store.write(BOOK, { updates: [Y.encodeStateAsUpdate(old)], pending: [], acknowledged: [] })

    const handle = device.open({ connect: false })
    expect(await handle.whenReadable).toBe('document')
    expect(handle.projection).toBeNull()
    expect(handle.customers.read('legacy-1')?.name).toBe('Old Data Ltd')
    expect(await device.store.readProjection(BOOK)).toBeNull()
    await handle.flush()
    expect((await device.store.readProjection(BOOK))?.customers.map((c) => c.name)).toEqual(['Old Data Ltd'])
    await handle.close()
  })

  it('rewrites only the customers that changed, at most once per projectionMs while typing', async () => {
    const device = makeDevice(null)
    const ids = await seedCustomers(device, Array.from({ length: 200 }, (_, i) => `Customer ${i}`))
    const { store, batches } = recording(device.store)
    const handle = device.open({ connect: false, store, projectionMs: 100 })
    await handle.whenLoaded
    const typedInto = ids[17]!
    const started = Date.now()
    for (let i = 0; i < 60; i++) {
      handle.customers.editNotes(typedInto, i, 0, 'n')
      await sleep(5)
    }
    await handle.whenSaved()
    await sleep(250) // the last projection write, when idle
    const elapsed = Date.now() - started
    const rewrites = batches.filter((b) => (b.projection?.put.length ?? 0) > 0)
    expect(rewrites.length).toBeGreaterThanOrEqual(1)
    expect(rewrites.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1)
    for (const b of rewrites) {
      expect(b.projection?.replace).toBe(false)
      expect(b.projection?.put.map((c) => c.id)).toEqual([typedInto])
    }
    // Every batch of keystrokes marks the customer stale (cheap) until a rewrite covers it.
    const updateBatches = batches.filter((b) => b.updates.length > 0)
    expect(updateBatches.every((b) => b.projection !== undefined)).toBe(true)
    expect((await device.store.readProjection(BOOK))?.customers.find((c) => c.id === typedInto)?.notes).toBe('n'.repeat(60))
    expect((await device.store.readProjection(BOOK))?.stale).toEqual([])
    await handle.close()
  })

  it('marks an edit stale when the page goes away before the projection write, and repairs it on the next open', async () => {
    const device = makeDevice(null)
    const [id] = await seedCustomers(device, ['Before Crash GmbH'])
    const dropped = device.open({ connect: false, projectionMs: 60_000 })
    await dropped.whenLoaded
    dropped.customers.set(id!, 'name', 'After Crash GmbH')
    await dropped.whenSaved() // stored, and marked stale; the projection write was not due yet
    // `dropped` is never closed, as a killed tab.

    const handle = device.open({ connect: false })
    expect(await handle.whenReadable).toBe('projection')
    expect(handle.projection?.get(id!)?.name).toBe('Before Crash GmbH')
    expect([...handle.projection!.stale]).toEqual([id])
    const offered = handle.projection!
    await handle.whenLoaded
    expect(offered.matches(handle.doc)).toBe(true) // all but the stale entry, which is re-read
    expect(handle.customers.read(id!)?.name).toBe('After Crash GmbH')
    await handle.flush()
    const repaired = await device.store.readProjection(BOOK)
    expect(repaired?.customers.map((c) => c.name)).toEqual(['After Crash GmbH'])
    expect(repaired?.stale).toEqual([])
    await handle.close()
  })

  it('rebuilds a projection that does not describe the stored document (updates another program wrote)', async () => {
    const device = makeDevice(null)
    const [id] = await seedCustomers(device, ['Original Name'])
    // Another Yjs program renames the customer in the stored updates, leaving the projection alone.
    const other = new Y.Doc()
    for (const u of (await device.store.load(BOOK)).updates) Y.applyUpdate(other, u)
    const before = Y.encodeStateVector(other)
    ;(other.getMap<Y.Map<unknown>>('customers').get(id!) as Y.Map<unknown>).set('name', 'Renamed Elsewhere')
    await device.store.write(BOOK, { updates: [Y.encodeStateAsUpdate(other, before)], pending: [], acknowledged: [] })

    const handle = device.open({ connect: false })
    expect(await handle.whenReadable).toBe('projection')
    expect(handle.projection?.get(id!)?.name).toBe('Original Name') // what was saved last
    const offered = handle.projection!
    await handle.whenLoaded
    expect(offered.matches(handle.doc)).toBe(false)
    await handle.flush()
    expect((await device.store.readProjection(BOOK))?.customers.map((c) => c.name)).toEqual(['Renamed Elsewhere'])
    await handle.close()
  })

  it('offers only the book it was saved for, and goes with deleteBook', async () => {
    const device = makeDevice(null)
    await seedCustomers(device, ['Only In North'])
    const other = device.open({ connect: false, bookId: 'south-territory' })
    expect(await other.whenReadable).toBe('document')
    expect(other.projection).toBeNull()
    expect(other.customers.list()).toEqual([])
    await other.close()

    await device.store.deleteBook(BOOK)
    const reopened = device.open({ connect: false })
    expect(await reopened.whenReadable).toBe('document')
    expect(reopened.customers.list()).toEqual([])
    await reopened.close()
  })

  it('writes no projection of an empty document, and offers none that an earlier version wrote', async () => {
    const device = makeDevice(null)
    const fresh = device.open({ connect: false })
    await fresh.whenLoaded
    await fresh.close()
    expect(await device.store.readProjection(BOOK)).toBeNull()
    // What an earlier version wrote on closing a fresh device before its first sync.
    await device.store.write(BOOK, {
      updates: [], pending: [], acknowledged: [],
      projection: { put: [], remove: [], stale: [], replace: true, stateVector: Y.encodeStateVector(new Y.Doc()) },
    })
    expect(await device.store.readProjection(BOOK)).not.toBeNull()
    const reopened = device.open({ connect: false })
    expect(await reopened.whenReadable).toBe('document')
    expect(reopened.projection).toBeNull()
    await reopened.close()
  })

  it('with keepProjection: false writes none and offers none', async () => {
    const device = makeDevice(null)
    const { store, batches } = recording(device.store)
    const handle = device.open({ connect: false, store, keepProjection: false })
    expect(await handle.whenReadable).toBe('document')
    handle.customers.create({ name: 'No Projection Inc' })
    await handle.close()
    expect(batches.some((b) => b.projection !== undefined)).toBe(false)
    expect(await device.store.readProjection(BOOK)).toBeNull()
  })

  it('loads from the document when the projection cannot be read, and reports it', async () => {
    const device = makeDevice(null)
    await seedCustomers(device, ['Unreadable Projection'])
    const broken: LocalStore = { ...device.store, readProjection: () => Promise.reject(new Error('disk says no')) }
    const handle = device.open({ connect: false, store: broken, projectionMs: 60_000 })
    expect(await handle.whenReadable).toBe('document')
    expect(handle.customers.list().map((c) => c.name)).toEqual(['Unreadable Projection'])
    expect(handle.status.error?.code).toBe('local-store-failed')
    await handle.close()
  })
})
