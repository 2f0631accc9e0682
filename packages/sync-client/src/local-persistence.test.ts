// The device side on fake-indexeddb: batching (transactions counted), "saved on this device"
// only after the transaction completed, dropping a handle right after that, compaction under a
// Web Lock, and reopening without edits not growing storage.
import { IDBDatabase } from 'fake-indexeddb'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { createIndexedDbStore } from './indexeddb-local-store'
import type { LocalStore } from './local-store'
import { makeDevice, sleep, waitFor } from './test-support'
import type { LockManagerLike } from './web-lock'

const readwriteCalls = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.filter((c) => c[1] === 'readwrite').length

describe('local persistence', () => {
  it('batches a burst of edits into about one transaction and one merged row per 50 ms', async () => {
    const device = makeDevice(null)
    const handle = device.open({ connect: false })
    await handle.whenLoaded
    const id = handle.customers.create({ name: 'Typing Co' })
    await handle.whenSaved()
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction')
    try {
      const started = Date.now()
      for (let i = 0; i < 60; i++) {
        handle.customers.editNotes(id, i, 0, 'x') // one keystroke, one Yjs update
        await sleep(4)
      }
      await handle.whenSaved()
      const elapsed = Date.now() - started
      const transactions = readwriteCalls(spy)
      expect(transactions).toBeGreaterThanOrEqual(2)
      expect(transactions).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 1)
      expect(transactions).toBeLessThan(15)
      // One row per transaction (the creation's row, then one per batch), not one per keystroke.
      expect((await device.store.stats('north-territory')).rows).toBe(1 + transactions)
    } finally {
      spy.mockRestore()
    }
    const reopened = device.open({ connect: false })
    await reopened.whenLoaded
    expect(reopened.customers.read(id)?.notes).toBe('x'.repeat(60))
    expect(reopened.status.pendingLocal).toBe(61)
    await Promise.all([handle.close(), reopened.close()])
  })

  it('reports savedLocally only once the transaction completed', async () => {
    const device = makeDevice(null)
    const handle = device.open({ connect: false })
    await handle.whenLoaded
    const other = createIndexedDbStore({ indexedDB: device.factory }) // another tab's view of the same IndexedDB
    const seenWhenSaved: Promise<number>[] = []
    const seen: boolean[] = []
    handle.on('status', (s) => {
      seen.push(s.savedLocally)
      if (s.savedLocally) seenWhenSaved.push(other.stats('north-territory').then((st) => st.rows))
    })
    handle.customers.create({ name: 'Saved Or Not' })
    expect(handle.status.savedLocally).toBe(false)
    expect(handle.status.pendingLocal).toBe(1)
    await handle.whenSaved()
    expect(handle.status.savedLocally).toBe(true)
    expect(seen).toEqual([false, false, true]) // queued, pending counted, transaction complete
    expect(await Promise.all(seenWhenSaved)).toEqual([1])
    await Promise.all([handle.close(), other.close()])
  })

  it('loses nothing when a handle is dropped without close() right after "saved on this device"', async () => {
    const device = makeDevice(null)
    // The first handle's store dies the instant it reports saved, as a killed tab would.
    let dead = false
    const hang = () => new Promise<never>(() => {})
    const dying: LocalStore = {
      load: (b) => (dead ? hang() : device.store.load(b)),
      readProjection: (b) => (dead ? hang() : device.store.readProjection(b)),
      write: (b, batch) => (dead ? hang() : device.store.write(b, batch)),
      compact: (b, f) => (dead ? hang() : device.store.compact(b, f)),
      stats: (b) => device.store.stats(b),
      deleteBook: (b) => device.store.deleteBook(b),
      locationOf: (b) => device.store.locationOf(b),
      close: async () => {},
    }
    const dropped = device.open({ connect: false, store: dying })
    await dropped.whenLoaded
    let id = ''
    const saved = new Promise<void>((resolve) =>
      dropped.on('status', (s) => {
        if (s.savedLocally && id) {
          dead = true
          resolve()
        }
      }),
    )
    id = dropped.customers.create({ name: 'Dropped Tab GmbH' })
    dropped.customers.set(id, 'phone', '+4930555000')
    await saved
    dropped.customers.set(id, 'website', 'https://never-saved.example') // after the kill: lost, as expected

    const reopened = device.open({ connect: false })
    await reopened.whenLoaded
    expect(reopened.customers.read(id)).toMatchObject({ name: 'Dropped Tab GmbH', phone: '+4930555000' })
    expect(reopened.status.pendingLocal).toBe(2)
    await reopened.close()
  })

  it('retries a failed write, reports it meanwhile, and says saved only once it went through', async () => {
    const device = makeDevice(null)
    let failures = 2
    const flaky: LocalStore = {
      ...device.store,
      write: (bookId, batch) => (failures-- > 0 ? Promise.reject(new Error('QuotaExceededError')) : device.store.write(bookId, batch)),
    }
    const handle = device.open({ connect: false, store: flaky })
    await handle.whenLoaded
    const id = handle.customers.create({ name: 'Disk Full SARL' })
    await waitFor(() => handle.status.error?.code === 'local-store-failed', 2000, 'the failure reported')
    expect(handle.status.savedLocally).toBe(false)
    await handle.whenSaved()
    expect(handle.status).toMatchObject({ savedLocally: true, error: null, pendingLocal: 1 })
    await handle.close()
    const reopened = device.open({ connect: false })
    await reopened.whenLoaded
    expect(reopened.customers.read(id)?.name).toBe('Disk Full SARL')
    await reopened.close()
  })

  it('writes on close what a failed write left, trying again, and flush() says it failed', async () => {
    const device = makeDevice(null)
    let failNext = 0
    // Fails asynchronously, as IndexedDB does (a transaction aborted, a connection closed).
    const failing: LocalStore = {
      ...device.store,
      write: (bookId, batch) =>
        failNext-- > 0 ? new Promise((_, reject) => setTimeout(() => reject(new Error('AbortError')), 1)) : device.store.write(bookId, batch),
    }
    const handle = device.open({ connect: false, store: failing })
    await handle.whenLoaded
    const id = handle.customers.create({ name: 'Closing Time GmbH' })
    await handle.whenSaved()
    handle.customers.set(id, 'email', 'last@closing-time.example')
    failNext = 1
    await expect(handle.flush()).rejects.toMatchObject({ code: 'local-store-failed' })
    handle.customers.set(id, 'phone', '+4930111222')
    failNext = 1
    await handle.close() // its first write fails too: written on the next try
    const reopened = device.open({ connect: false })
    await reopened.whenLoaded
    expect(reopened.customers.read(id)).toMatchObject({ email: 'last@closing-time.example', phone: '+4930111222' })
    expect(reopened.status.pendingLocal).toBe(3)
    await reopened.close()
  })

  it('keeps reporting a failed load after later writes work: what was stored is not in the document', async () => {
    const device = makeDevice(null)
    const first = device.open({ connect: false })
    await first.whenLoaded
    first.customers.create({ name: 'Stored Offline KG' })
    await first.close()
    let loads = 0
    const flaky: LocalStore = { ...device.store, load: (b) => (loads++ === 0 ? Promise.reject(new Error('UnknownError')) : device.store.load(b)) }
    const handle = device.open({ connect: false, store: flaky })
    await expect(handle.whenLoaded).rejects.toMatchObject({ code: 'local-store-failed' })
    handle.customers.create({ name: 'Typed After The Failure' })
    await handle.whenSaved()
    expect(handle.status.error).toMatchObject({ code: 'local-store-failed', message: expect.stringMatching(/could not be read/) })
    await handle.close()
    const reopened = device.open({ connect: false, store: flaky })
    await reopened.whenLoaded
    expect(reopened.customers.list().map((c) => c.name).sort()).toEqual(['Stored Offline KG', 'Typed After The Failure'])
    expect(reopened.status).toMatchObject({ error: null, pendingLocal: 2 })
    await reopened.close()
  })

  it('resolves flush() when only a batch already in flight failed: flush wrote its updates again', async () => {
    const device = makeDevice(null)
    let failInFlight: ((e: Error) => void) | null = null
    const store: LocalStore = {
      ...device.store,
      // The first regular batch (it carries a projection change) hangs until failed by hand.
      write: (bookId, batch) =>
        batch.projection && !failInFlight && batch.updates.length > 0
          ? new Promise((_, reject) => (failInFlight = reject))
          : device.store.write(bookId, batch),
    }
    const first = device.open({ connect: false })
    await first.whenLoaded
    const id = first.customers.create({ name: 'Before AG' })
    await first.close() // the projection is written: later batches mark customers stale in it
    const handle = device.open({ connect: false, store })
    await handle.whenLoaded
    handle.customers.set(id, 'name', 'In Flight AG')
    await waitFor(() => failInFlight !== null, 2000, 'the batch in flight')
    const flushed = handle.flush()
    await sleep(20)
    failInFlight!(new Error('AbortError'))
    await expect(flushed).resolves.toBeUndefined()
    await handle.close()
    const reopened = device.open({ connect: false })
    await reopened.whenLoaded
    expect(reopened.customers.read(id)?.name).toBe('In Flight AG')
    await reopened.close()
  })

  it('makes close() wait for an earlier flush still writing, and write again what that failed to', async () => {
    const device = makeDevice(null)
    let failHeld: ((e: Error) => void) | null = null
    const store: LocalStore = {
      ...device.store,
      // The first write of updates without a projection change (flush's own) hangs until failed by hand.
      write: (bookId, batch) =>
        !batch.projection && batch.updates.length > 0 && !failHeld
          ? new Promise((_, reject) => (failHeld = reject))
          : device.store.write(bookId, batch),
    }
    const handle = device.open({ connect: false, store })
    await handle.whenLoaded
    const id = handle.customers.create({ name: 'Hidden Then Closed GmbH' })
    const hidden = handle.flush() // the page was hidden...
    await waitFor(() => failHeld !== null, 2000, 'the flush writing')
    let closed = false
    const closing = handle.close().then(() => (closed = true)) // ...then the book was switched
    await sleep(20)
    expect(closed).toBe(false)
    failHeld!(new Error('AbortError'))
    await expect(hidden).rejects.toMatchObject({ code: 'local-store-failed' })
    await closing
    const reopened = device.open({ connect: false })
    await reopened.whenLoaded
    expect(reopened.customers.read(id)?.name).toBe('Hidden Then Closed GmbH')
    expect(reopened.status.pendingLocal).toBe(1)
    await reopened.close()
  })

  it('closes all the same when writes keep failing, and says what was lost', async () => {
    const device = makeDevice(null)
    let broken = false
    const failing: LocalStore = {
      ...device.store,
      write: (bookId, batch) => (broken ? Promise.reject(new Error('QuotaExceededError')) : device.store.write(bookId, batch)),
    }
    const handle = device.open({ connect: false, store: failing })
    await handle.whenLoaded
    const id = handle.customers.create({ name: 'Full Disk SARL' })
    await handle.whenSaved()
    broken = true
    handle.customers.set(id, 'email', 'never@full-disk.example')
    const closing = handle.close()
    await expect(closing).rejects.toMatchObject({ code: 'local-store-failed', message: expect.stringMatching(/1 updates could not be saved/) })
    await expect(handle.whenSynced()).rejects.toMatchObject({ code: 'closed' })
  })

  it('compacts into one snapshot past the threshold, under a Web Lock, keeping state and pending', async () => {
    const requested: string[] = []
    const locks: LockManagerLike = {
      request: async (name, _opts, callback) => {
        requested.push(name)
        return callback({ name })
      },
    }
    const device = makeDevice(null)
    const handle = device.open({ connect: false, compactAfterRows: 10, locks })
    await handle.whenLoaded
    const id = handle.customers.create({ name: 'Compact Me' })
    for (let i = 0; i < 24; i++) {
      handle.customers.set(id, 'industry', `Industry ${i}`)
      await handle.whenSaved()
    }
    await handle.close()
    expect(requested.length).toBeGreaterThan(0)
    expect(requested.filter((n) => !n.startsWith('crm-sync:open:')).every((n) => n === 'crm-sync:compact:north-territory')).toBe(true)
    const stats = await device.store.stats('north-territory')
    expect(stats.rows).toBeLessThan(10)
    expect(stats.pending).toBe(25)

    const reopened = device.open({ connect: false })
    await reopened.whenLoaded
    expect(reopened.customers.read(id)?.industry).toBe('Industry 23')
    expect(reopened.status.pendingLocal).toBe(25)
    await reopened.close()
  })

  it('folds a large book only once the rows written since the last fold reach a share of its snapshot', async () => {
    const device = makeDevice(null)
    const seed = device.open({ connect: false, compactAfterRows: 2, compactBytesRatio: 0.5 })
    await seed.whenLoaded
    const big = seed.customers.create({ name: 'Big', notes: 'x'.repeat(20_000) })
    await seed.whenSaved()
    await seed.close()
    // Fold once so the book is one 20 kB snapshot row.
    const folder = device.open({ connect: false, compactAfterRows: 1, compactBytesRatio: 0 })
    await folder.whenLoaded
    folder.customers.set(big, 'industry', 'start')
    await folder.whenSaved()
    await folder.close()
    expect((await device.store.stats('north-territory')).rows).toBe(1)

    const handle = device.open({ connect: false, compactAfterRows: 2, compactBytesRatio: 0.5 })
    await handle.whenLoaded
    for (let i = 0; i < 20; i++) {
      handle.customers.set(big, 'industry', `small edit ${i}`)
      await handle.whenSaved()
    }
    expect((await device.store.stats('north-territory')).rows).toBeGreaterThan(10)
    handle.customers.editNotes(big, 0, 0, 'y'.repeat(12_000))
    await handle.whenSaved()
    await handle.close()
    expect((await device.store.stats('north-territory')).rows).toBeLessThanOrEqual(2)

    // Many tiny rows fold at compactMaxRows even though their bytes stay under the ratio.
    const capped = device.open({ connect: false, compactAfterRows: 2, compactBytesRatio: 10, compactMaxRows: 8 })
    await capped.whenLoaded
    for (let i = 0; i < 12; i++) {
      capped.customers.set(big, 'industry', `tiny ${i}`)
      await capped.whenSaved()
    }
    await capped.close()
    expect((await device.store.stats('north-territory')).rows).toBeLessThan(8)
  })

  it('skips compaction while another tab holds the lock', async () => {
    const held: LockManagerLike = { request: async (_name, _opts, callback) => callback(null) }
    const device = makeDevice(null)
    const handle = device.open({ connect: false, compactAfterRows: 5, locks: held })
    await handle.whenLoaded
    const id = handle.customers.create({ name: 'Locked Elsewhere' })
    await handle.whenSaved()
    for (let i = 0; i < 9; i++) {
      handle.customers.set(id, 'industry', `I${i}`)
      await handle.whenSaved()
    }
    await handle.close()
    expect((await device.store.stats('north-territory')).rows).toBe(10)
  })

  it('does not grow over 20 reopen cycles without edits', async () => {
    const device = makeDevice(null)
    const first = device.open({ connect: false })
    await first.whenLoaded
    const id = first.customers.create({ name: 'Stable Size' })
    first.customers.editNotes(id, 0, 0, 'some notes')
    await first.close()
    const before = await device.store.stats('north-territory')
    for (let i = 0; i < 20; i++) {
      const h = device.open({ connect: false })
      await h.whenLoaded
      expect(h.customers.read(id)?.notes).toBe('some notes')
      await h.close()
    }
    expect(await device.store.stats('north-territory')).toEqual(before)
  })

  it('folds with a scratch document, not by merging raw updates', async () => {
    const { foldUpdates } = await import('./book-persistence')
    const a = new Y.Doc()
    const updates: Uint8Array[] = []
    a.on('update', (u: Uint8Array) => updates.push(u))
    a.getText('t').insert(0, 'hello')
    a.getText('t').delete(1, 3)
    const folded = new Y.Doc()
    Y.applyUpdate(folded, foldUpdates(updates))
    expect(folded.getText('t').toString()).toBe('ho')
  })
})
