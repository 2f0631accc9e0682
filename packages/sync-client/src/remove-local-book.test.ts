// Removing a book's data from the device: every open handle (another tab's, over the book's
// cross-tab channel) lets it go before the database goes, a handle opened meanwhile reads the
// book as it is after, and a handle that never lets go leaves the data as it was.
import { describe, expect, it } from 'vitest'
import { findLocalBook } from './local-book-copy'
import { removeLocalBook } from './remove-local-book'
import { testLockManager } from './test-locks'
import { BOOK, makeDevice, sleep, waitFor } from './test-support'
import { bookLeaseName } from './web-lock'

const channelName = () => `crm-sync-test:${Math.random().toString(36).slice(2)}`

describe('removeLocalBook', () => {
  it('closes every open handle first, then removes everything stored; a handle opened meanwhile waits and starts empty', async () => {
    const device = makeDevice(null)
    const locks = testLockManager()
    const crossTabChannel = channelName()
    // Another tab, whose writes take a while: any of them landing after the delete would bring the book back.
    const slowStore = { ...device.store, write: async (...args: Parameters<typeof device.store.write>) => (await sleep(30), device.store.write(...args)) }
    const other = device.open({ connect: false, locks, crossTabChannel, batchMs: 200, store: slowStore })
    await other.whenLoaded
    const id = other.customers.create({ name: 'Refused Edit Co' })
    await other.whenSaved()
    expect((await device.store.stats(BOOK)).pending).toBe(1)
    other.customers.set(id, 'industry', 'queued, not written yet') // written by its close, before the removal

    const removing = removeLocalBook({ bookId: BOOK, store: device.store, locks, crossTabChannel })
    const reopened = device.open({ connect: false, locks, crossTabChannel }) // opened while the removal runs
    await removing

    expect(other.status.error?.code).toBe('removed')
    await expect(other.whenSynced()).rejects.toMatchObject({ code: 'closed' })
    await other.close()
    await reopened.whenLoaded
    expect(reopened.customers.read(id)).toBeNull()
    expect(reopened.status.pendingLocal).toBe(0)
    await reopened.close()
    expect(await device.store.stats(BOOK)).toMatchObject({ rows: 0, pending: 0 }) // nothing written after the removal
    await waitFor(() => locks.held(bookLeaseName(device.store.locationOf(BOOK))) === 0, 1000, 'the lease let go on close')
  })

  it('removes nothing when a holder does not let the book go in time, and says so', async () => {
    const device = makeDevice(null)
    const locks = testLockManager()
    const seed = device.open({ connect: false, crossTabChannel: false })
    await seed.whenLoaded
    seed.customers.create({ name: 'Still Here' })
    await seed.close()
    let letGo!: () => void
    const crossTabChannel = channelName()
    // A frozen tab: holds the lease and hears nothing.
    void locks.request(bookLeaseName(device.store.locationOf(BOOK)), { mode: 'shared' }, () => new Promise<void>((resolve) => (letGo = resolve)))

    await expect(removeLocalBook({ bookId: BOOK, store: device.store, locks, crossTabChannel, timeoutMs: 50 }))
      .rejects.toMatchObject({ code: 'book-in-use', message: expect.stringMatching(/still open.*nothing was removed/) })
    expect((await device.store.stats(BOOK)).pending).toBe(1)
    letGo()
    await waitFor(() => locks.held(bookLeaseName(device.store.locationOf(BOOK))) === 0)
    // Once it let go, a removal goes through.
    await removeLocalBook({ bookId: BOOK, store: device.store, locks, crossTabChannel: false })
    expect((await device.store.stats(BOOK)).rows).toBe(0)
  })

  it('without Web Locks removes at once (one process, its handles closed)', async () => {
    const device = makeDevice(null)
    const seed = device.open({ connect: false, locks: null })
    await seed.whenLoaded
    seed.customers.create({ name: 'Gone' })
    await seed.close()
    await removeLocalBook({ bookId: BOOK, store: device.store, locks: null, crossTabChannel: false })
    expect(await device.store.stats(BOOK)).toMatchObject({ rows: 0, pending: 0 })
  })

  it('gives up on a delete that stays blocked, and lets go of the lease', async () => {
    const device = makeDevice(null)
    const locks = testLockManager()
    const store = { ...device.store, deleteBook: () => new Promise<void>(() => {}) } // a connection that never closes
    await expect(removeLocalBook({ bookId: BOOK, store, locks, crossTabChannel: false, timeoutMs: 50 }))
      .rejects.toMatchObject({ code: 'book-in-use', message: expect.stringMatching(/still held open/) })
    expect(locks.held(bookLeaseName(device.store.locationOf(BOOK)))).toBe(0)
    const handle = device.open({ connect: false, locks, crossTabChannel: false })
    await handle.whenLoaded // not stuck behind the removal
    await handle.close()
  })

  it('ends quietly for a book another removal already took (a second tab asked too late), creating no database', async () => {
    const device = makeDevice(null)
    const locks = testLockManager()
    const crossTabChannel = channelName()
    const seed = device.open({ connect: false, locks, crossTabChannel })
    await seed.whenLoaded
    seed.customers.create({ name: 'Removed Twice' })
    await seed.close()
    expect(await device.factory.databases()).toHaveLength(1)
    await removeLocalBook({ bookId: BOOK, store: device.store, locks, crossTabChannel }) // the other tab's
    expect(await device.factory.databases()).toEqual([])
    await removeLocalBook({ bookId: BOOK, store: device.store, locks, crossTabChannel }) // this tab's, too late
    expect(await device.factory.databases()).toEqual([])
    expect(await findLocalBook(BOOK, { indexedDB: device.factory })).toBeNull()
    expect(locks.held(bookLeaseName(device.store.locationOf(BOOK)))).toBe(0)
  })

  it('says why when the store cannot delete the book', async () => {
    const device = makeDevice(null)
    const store = { ...device.store, deleteBook: () => Promise.reject(new Error('disk on fire')) }
    await expect(removeLocalBook({ bookId: BOOK, store, locks: testLockManager(), crossTabChannel: false }))
      .rejects.toMatchObject({ code: 'local-store-failed', cause: expect.objectContaining({ message: 'disk on fire' }) })
  })
})

describe('findLocalBook', () => {
  it('gives the stored book its stats and a book never stored null, creating no database for it', async () => {
    const device = makeDevice(null)
    const opts = { indexedDB: device.factory }
    expect(await findLocalBook(BOOK, opts)).toBeNull()
    expect((await device.factory.databases()).map((d) => d.name)).toEqual([])
    const handle = device.open({ connect: false })
    await handle.whenLoaded
    handle.customers.create({ name: 'Kept Here' })
    await handle.close()
    expect(await findLocalBook(BOOK, opts)).toMatchObject({ rows: 1, pending: 1 })
    await removeLocalBook({ bookId: BOOK, store: device.store, locks: null, crossTabChannel: false })
    expect(await findLocalBook(BOOK, opts)).toBeNull()
  })
})
