// A tab that only lists a book hears when another tab's removal of it has ended (not when it is
// announced, while the database is still there), whether it removed the book or gave up; it hears
// nothing from other channels (another user's books) or malformed messages, nor once it stopped.
import { describe, expect, it } from 'vitest'
import { removeLocalBook } from './remove-local-book'
import { testLockManager } from './test-locks'
import { BOOK, makeDevice, sleep, waitFor } from './test-support'
import { watchLocalBookRemoval } from './watch-local-book-removal'
import { bookLeaseName } from './web-lock'

const channelName = () => `crm-sync-test:${Math.random().toString(36).slice(2)}`

describe('watchLocalBookRemoval', () => {
  it('tells once a removal has removed the book, after the open tab let it go', async () => {
    const device = makeDevice(null)
    const locks = testLockManager()
    const crossTabChannel = channelName()
    const open = device.open({ connect: false, locks, crossTabChannel }) // another tab has it open
    await open.whenLoaded
    open.customers.create({ name: 'Going Soon' })
    await open.whenSaved()

    const seen: Promise<Array<string | undefined>>[] = []
    const stop = watchLocalBookRemoval({ bookId: BOOK, store: device.store, crossTabChannel, locks }, () => {
      seen.push(device.factory.databases().then((dbs) => dbs.map((d) => d.name)))
    })
    await removeLocalBook({ bookId: BOOK, store: device.store, locks, crossTabChannel })
    await waitFor(() => seen.length === 1, 2000, 'the removal heard')
    expect(await seen[0]).toEqual([]) // told once the database had gone
    expect(open.status.error?.code).toBe('removed')
    await open.close()
    await sleep(100)
    expect(seen).toHaveLength(1)
    stop()
  })

  it('tells when a removal gave up (a tab that did not let go)', async () => {
    const device = makeDevice(null)
    const locks = testLockManager()
    const crossTabChannel = channelName()
    let letGo!: () => void
    void locks.request(bookLeaseName(device.store.locationOf(BOOK)), { mode: 'shared' }, () => new Promise<void>((resolve) => (letGo = resolve)))
    let ended = 0
    const stop = watchLocalBookRemoval({ bookId: BOOK, store: device.store, crossTabChannel, locks }, () => ended++)
    await expect(removeLocalBook({ bookId: BOOK, store: device.store, locks, crossTabChannel, timeoutMs: 50 }))
      .rejects.toMatchObject({ code: 'book-in-use' })
    await waitFor(() => ended === 1, 2000, 'the failed removal heard')
    letGo()
    stop()
  })

  it("ignores malformed messages, other channels' removals, and every removal once stopped", async () => {
    const device = makeDevice(null)
    const locks = testLockManager()
    const crossTabChannel = channelName()
    let ended = 0
    const stop = watchLocalBookRemoval({ bookId: BOOK, store: device.store, crossTabChannel, locks }, () => ended++)

    const stranger = new BroadcastChannel(crossTabChannel)
    for (const message of [
      null, 'remove', 42, [], {}, { kind: 'remove' }, { kind: 'remove', from: 5 }, { kind: 'removed', from: 'x' },
      { kind: 'hello', from: 'x', sv: new Uint8Array([0]) }, { kind: 'update', from: 'x', update: new Uint8Array([0, 0]) },
    ]) stranger.postMessage(message)
    stranger.close()
    await removeLocalBook({ bookId: BOOK, store: device.store, locks, crossTabChannel: channelName() }) // another user's channel
    await sleep(200)
    expect(ended).toBe(0)

    stop()
    await removeLocalBook({ bookId: BOOK, store: device.store, locks, crossTabChannel })
    await sleep(200)
    expect(ended).toBe(0)
  })
})
