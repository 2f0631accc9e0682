// A page unloaded right after flush() (the app calls it when the page is hidden, which is also the
// last thing a reload or a closed tab runs): in a browser only transactions committed by then are
// kept, and a regular batch, which reads the projection before it writes, is not. The store here
// plays that: a write without a projection change goes through if it was called before the unload;
// one with a projection change is held until released, and dropped by the unload. Measured in
// Chromium (test/e2e/reload.browser.test.ts): before flush() wrote at once, 17 of 20 edits made
// just before a reload were lost.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { LocalStore } from './local-store'
import { BOOK, makeDevice, waitFor } from './test-support'

interface UnloadingStore {
  readonly store: LocalStore
  /** Regular batches waiting (their projection reads still to come). */
  held(): number
  release(): void
  /** The page is gone: what was held is dropped, and nothing called from now on happens. */
  unload(): void
}

const unloading = (store: LocalStore): UnloadingStore => {
  let gone = false
  let held: (() => void)[] = []
  const hang = () => new Promise<never>(() => {})
  return {
    held: () => held.length,
    release: () => held.splice(0).forEach((go) => go()),
    unload: () => {
      gone = true
      held = []
    },
    store: {
      load: (b) => (gone ? hang() : store.load(b)),
      readProjection: (b) => (gone ? hang() : store.readProjection(b)),
      locationOf: (b) => store.locationOf(b),
      write: (b, batch) => {
        if (gone) return hang()
        if (!batch.projection) return store.write(b, batch)
        return new Promise((resolve, reject) => held.push(() => void store.write(b, batch).then(resolve, reject)))
      },
      compact: (b, fold) => (gone ? hang() : store.compact(b, fold)),
      stats: (b) => store.stats(b),
      deleteBook: (b) => store.deleteBook(b),
      close: async () => {},
    },
  }
}

/** A book with customers and its projection written (opened and closed once). */
const seeded = async (names: string[]) => {
  const device = makeDevice(null)
  const handle = device.open({ connect: false })
  await handle.whenLoaded
  const ids = names.map((name) => handle.customers.create({ name }))
  await handle.close()
  return { device, ids }
}

describe('a page unloaded right after flush()', () => {
  it('keeps the edits still queued, with their pending markers', async () => {
    const { device, ids } = await seeded(['Before GmbH'])
    const page = unloading(device.store)
    const handle = device.open({ connect: false, store: page.store })
    await handle.whenLoaded
    handle.customers.set(ids[0]!, 'industry', 'Edited just before the reload')
    const created = handle.customers.create({ name: 'Created Just Before SARL' })
    void handle.flush()
    page.unload()

    const reopened = device.open({ connect: false })
    await reopened.whenLoaded
    expect(reopened.customers.read(ids[0]!)?.industry).toBe('Edited just before the reload')
    expect(reopened.customers.read(created)?.name).toBe('Created Just Before SARL')
    expect(reopened.status.pendingLocal).toBe(3) // the seeded creation, the edit and the creation
    await reopened.close()
  })

  it('keeps a batch whose transaction was still waiting for its projection reads', async () => {
    const { device, ids } = await seeded(['Before GmbH'])
    const page = unloading(device.store)
    const handle = device.open({ connect: false, store: page.store, projectionMs: 60_000 })
    await handle.whenLoaded
    handle.customers.set(ids[0]!, 'industry', 'In the batch being written')
    await waitFor(() => page.held() === 1, 2000, 'the batch written')
    void handle.flush()
    page.unload()

    const reopened = device.open({ connect: false })
    await reopened.whenLoaded
    expect(reopened.customers.read(ids[0]!)?.industry).toBe('In the batch being written')
    expect(reopened.status.pendingLocal).toBe(2)
    await reopened.close()
  })

  it('marks the changed customers stale in the projection, which the next open repairs', async () => {
    const { device, ids } = await seeded(['Before GmbH', 'Untouched AG'])
    const page = unloading(device.store)
    const handle = device.open({ connect: false, store: page.store })
    await handle.whenLoaded
    handle.customers.set(ids[0]!, 'name', 'After GmbH')
    void handle.flush()
    page.unload()

    const stored = await device.store.readProjection(BOOK)
    expect(stored?.stale).toEqual([ids[0]])
    const reopened = device.open({ connect: false })
    expect(await reopened.whenReadable).toBe('projection')
    expect(reopened.projection?.get(ids[0]!)?.name).toBe('Before GmbH')
    expect([...reopened.projection!.stale]).toEqual([ids[0]])
    const offered = reopened.projection!
    await reopened.whenLoaded
    // It describes the stored document (state vector included) but for the stale entry: patched, not rebuilt.
    expect(stored?.stateVector).toEqual(Y.encodeStateVector(reopened.doc))
    expect(offered.matches(reopened.doc)).toBe(true)
    await reopened.flush()
    const repaired = await device.store.readProjection(BOOK)
    expect(repaired?.customers.map((c) => c.name).sort()).toEqual(['After GmbH', 'Untouched AG'])
    expect(repaired?.stale).toEqual([])
    await reopened.close()
  })

  it('leaves a projection that was to be rebuilt flagged for the rebuild, not made to look current', async () => {
    const { device, ids } = await seeded(['Old Name GmbH', 'Typed Into AG'])
    // Another writer renamed X in the stored updates and left the projection alone: the next open rebuilds it.
    const other = new Y.Doc()
    for (const u of (await device.store.load(BOOK)).updates) Y.applyUpdate(other, u)
    const renamed: Uint8Array[] = []
    other.on('update', (u: Uint8Array) => renamed.push(u))
    other.getMap<Y.Map<unknown>>('customers').get(ids[0]!)!.set('name', 'New Name GmbH')
    await device.store.write(BOOK, { updates: renamed, pending: [], acknowledged: [] })

    const page = unloading(device.store)
    const handle = device.open({ connect: false, store: page.store })
    await handle.whenLoaded
    handle.customers.set(ids[1]!, 'industry', 'Typed before the reload')
    void handle.flush() // the rebuild (a regular batch) is lost with the page
    page.unload()

    expect(await device.store.readProjection(BOOK)).toMatchObject({ needsRebuild: true })
    const reopened = device.open({ connect: false })
    await reopened.whenReadable
    const offered = reopened.projection!
    await reopened.whenLoaded
    expect(reopened.customers.read(ids[0]!)?.name).toBe('New Name GmbH')
    expect(offered.matches(reopened.doc)).toBe(false)
    await reopened.flush()
    const rebuilt = await device.store.readProjection(BOOK)
    expect(rebuilt?.customers.map((c) => c.name).sort()).toEqual(['New Name GmbH', 'Typed Into AG'])
    expect(rebuilt).toMatchObject({ stale: [], needsRebuild: false })
    await reopened.close()
  })

  it('writes nothing twice when the page stays: the projection follows and nothing is left stale', async () => {
    const { device, ids } = await seeded(['Before GmbH'])
    const handle = device.open({ connect: false })
    await handle.whenLoaded
    handle.customers.set(ids[0]!, 'name', 'After GmbH')
    await handle.flush() // hidden, then shown again
    const stored = await device.store.readProjection(BOOK)
    expect(stored?.customers.map((c) => c.name)).toEqual(['After GmbH'])
    expect(stored).toMatchObject({ stale: [], needsRebuild: false })
    expect(stored?.stateVector).toEqual(Y.encodeStateVector(handle.doc))
    const { rows } = await device.store.stats(BOOK)
    await handle.close()
    expect((await device.store.stats(BOOK)).rows).toBe(rows)
  })
})
