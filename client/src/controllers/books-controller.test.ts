// Whether the signed-in user may open a book, from their own book list (fetched, or kept on this
// device for them), never another user's.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SessionStore } from '../lib/session-store'
import { fakeApi, fakeHost, memoryStorage, type FakeApi } from '../testing/fake-api'
import { BooksController, REFRESH_EVERY_MS, REFRESH_ON_RETURN_MS } from './books-controller'
import { SessionController } from './session-controller'

const NORTH = { id: 'north-territory', name: 'North territory', role: 'owner' } as const
const KEY = { id: 'key-accounts', name: 'Key accounts', role: 'editor' } as const

describe('BooksController', () => {
  let api: FakeApi
  let store: SessionStore
  beforeEach(() => {
    api = fakeApi({ alice: [NORTH, KEY], carol: [KEY] })
    vi.stubGlobal('fetch', api.fetch)
    vi.stubGlobal('navigator', { onLine: true })
    vi.stubGlobal('window', new EventTarget())
    store = new SessionStore(memoryStorage())
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  const start = () => {
    const host = fakeHost()
    const auth = new SessionController(host, store)
    const books = new BooksController(host, store, () => auth.session, auth)
    const update = () => books.hostUpdate()
    return { auth, books, update }
  }

  const signIn = (auth: SessionController, userId: string) => auth.signIn(userId)

  it('says "checking" until the user\'s list answers, then member or denied', async () => {
    const { auth, books, update } = start()
    await signIn(auth, 'carol')
    update()
    expect(books.access('north-territory')).toBe('checking')
    await vi.waitFor(() => expect(books.loading).toBe(false))
    expect(books.access('key-accounts')).toBe('member')
    expect(books.access('north-territory')).toBe('denied')
  })

  it('keeps each user\'s list apart: alice\'s kept list does not let carol in', async () => {
    const { auth, books, update } = start()
    await signIn(auth, 'alice')
    update()
    await vi.waitFor(() => expect(books.access('north-territory')).toBe('member'))

    auth.signOut()
    update()
    await signIn(auth, 'carol')
    update()
    expect(books.access('north-territory')).toBe('checking')
    await vi.waitFor(() => expect(books.loading).toBe(false))
    expect(books.access('north-territory')).toBe('denied')
  })

  it('fetches the new user\'s list when the user changes while the previous list is loading', async () => {
    const { auth, books, update } = start()
    await signIn(auth, 'alice')
    const release = api.hold('/api/books')
    update() // alice's list is loading, and stays so
    expect(books.loading).toBe(true)
    auth.signOut()
    update()
    await signIn(auth, 'carol')
    update()
    expect(books.access('north-territory')).toBe('checking')
    release()
    await vi.waitFor(() => expect(books.books).toEqual([KEY]))
    expect(books.access('north-territory')).toBe('denied')
    expect(store.loadBooks('carol')).toEqual([KEY])
  })

  it('with a kept list lacking the book and no network, the access is unknown rather than denied', async () => {
    // A rep offline for days whose kept list is older than a membership (a book opened by its link).
    store.saveBooks('alice', [NORTH])
    const { auth, books, update } = start()
    await signIn(auth, 'alice')
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')))
    update()
    await vi.waitFor(() => expect(books.loading).toBe(false))
    expect(books.access('north-territory')).toBe('member')
    expect(books.access('key-accounts')).toBe('unknown')
  })

  it('with nothing kept and no network, the access is unknown rather than denied', async () => {
    const { auth, books, update } = start()
    await signIn(auth, 'carol')
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')))
    update()
    await vi.waitFor(() => expect(books.loading).toBe(false))
    expect(books.access('key-accounts')).toBe('unknown')
    expect(books.error).toMatch(/no connection/)
  })

  it('fetches the list again when the app comes back to the front a while later, and every few minutes in front', async () => {
    const page = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState })
    vi.stubGlobal('document', page)
    const { auth, books, update } = start()
    await signIn(auth, 'carol')
    update()
    await vi.waitFor(() => expect(books.loading).toBe(false))
    const fetched = () => api.calls['/api/books'] ?? 0
    expect(fetched()).toBe(1)
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    try {
      books.hostConnected() // fetches once more, as on start
      await vi.waitFor(() => expect(books.loading).toBe(false))
      expect(fetched()).toBe(2)
      const back = () => {
        page.visibilityState = 'visible'
        page.dispatchEvent(new Event('visibilitychange'))
      }
      page.visibilityState = 'hidden'
      page.dispatchEvent(new Event('visibilitychange'))
      back() // at once: the list is fresh
      expect(fetched()).toBe(2)

      api.books['carol'] = [NORTH, KEY] // made a member elsewhere
      vi.advanceTimersByTime(REFRESH_ON_RETURN_MS)
      back()
      await vi.waitFor(() => expect(books.loading).toBe(false))
      expect(fetched()).toBe(3)
      expect(books.access('north-territory')).toBe('member')

      page.visibilityState = 'hidden'
      vi.advanceTimersByTime(REFRESH_EVERY_MS) // not while in the background
      expect(fetched()).toBe(3)
      page.visibilityState = 'visible'
      vi.advanceTimersByTime(REFRESH_EVERY_MS)
      await vi.waitFor(() => expect(books.loading).toBe(false))
      expect(fetched()).toBe(4)
      books.hostDisconnected()
      vi.advanceTimersByTime(REFRESH_EVERY_MS)
      expect(fetched()).toBe(4)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('BooksController asked again while a fetch is in flight', () => {
  beforeEach(() => {
    vi.stubGlobal('navigator', { onLine: true })
    vi.stubGlobal('window', new EventTarget())
  })
  afterEach(() => vi.unstubAllGlobals())

  it('fetches once more after it: the answer in flight may be older than what made the app ask', async () => {
    const api = fakeApi({ carol: [KEY] })
    vi.stubGlobal('fetch', api.fetch)
    const store = new SessionStore(memoryStorage())
    const host = fakeHost()
    const auth = new SessionController(host, store)
    const books = new BooksController(host, store, () => auth.session, auth)
    await auth.signIn('carol')
    const release = api.hold('/api/books')
    books.hostUpdate() // the first fetch, held
    await vi.waitFor(() => expect(api.calls['/api/books']).toBe(1))
    api.books['carol'] = [KEY, NORTH] // changed after the held answer was made
    void books.refresh() // e.g. the relay refused the user: asked while loading
    release()
    await vi.waitFor(() => expect(api.calls['/api/books']).toBe(2))
    await vi.waitFor(() => expect(books.loading).toBe(false))
    expect(books.access('north-territory')).toBe('member')
  })
})
