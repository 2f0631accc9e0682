// The session's token for REST calls (renewed when expired, retried once when the server says so)
// and the session shared by the tabs of the origin (a sign-out elsewhere is followed, never undone).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { listBooks } from '../lib/api'
import { isSessionError } from '../lib/session-error'
import { SessionStore } from '../lib/session-store'
import { fakeApi, fakeHost, jwt, memoryStorage, type FakeApi } from '../testing/fake-api'
import { BooksController } from './books-controller'
import { SessionController } from './session-controller'

const NORTH = { id: 'north-territory', name: 'North territory', role: 'owner' } as const

/** What another tab's write to localStorage looks like to this one. */
const storageEvent = (key: string | null) => Object.assign(new Event('storage'), { key })

describe('SessionController', () => {
  let api: FakeApi
  let storage: ReturnType<typeof memoryStorage>
  let store: SessionStore
  beforeEach(() => {
    api = fakeApi({ alice: [NORTH] })
    vi.stubGlobal('fetch', api.fetch)
    vi.stubGlobal('navigator', { onLine: true })
    vi.stubGlobal('window', new EventTarget())
    storage = memoryStorage()
    store = new SessionStore(storage)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  const signedIn = (token: string, changedElsewhere = () => {}) => {
    store.saveSession({ userId: 'alice', name: 'Alice', token })
    const host = fakeHost()
    return { host, auth: new SessionController(host, store, { changedElsewhere }) }
  }

  it('renews an expired token for the book list instead of sending it as stored', async () => {
    const { host, auth } = signedIn(jwt('alice', -60))
    const books = new BooksController(host, store, () => auth.session, auth)
    await books.refresh()
    expect(books.error).toBeNull()
    expect(books.books).toEqual([NORTH])
    expect(api.calls['/api/auth/dev-login']).toBe(1)
    expect(api.valid.has(store.loadSession()!.token)).toBe(true) // kept for the next start
  })

  it('renews once and retries when the server says a token the clock thinks good has expired', async () => {
    const { auth } = signedIn(jwt('alice', 3600)) // a device clock behind the server's
    await expect(auth.withToken(listBooks)).resolves.toEqual([NORTH])
    expect(api.calls['/api/auth/dev-login']).toBe(1)
    expect(api.calls['/api/books']).toBe(2)

    // Rejected again after renewing: the error is the caller's, with no loop.
    const rejecting = vi.fn(async (_token: string) => listBooks('not-a-token'))
    await expect(auth.withToken(rejecting)).rejects.toMatchObject({ status: 401, code: 'expired' })
    expect(rejecting).toHaveBeenCalledTimes(2)
    expect(api.calls['/api/auth/dev-login']).toBe(2)
  })

  it('gives the relay a renewed token after it refused one the clock thinks good, the stored one before', async () => {
    const stored = jwt('alice', 3600) // a device clock behind the relay's
    const { auth } = signedIn(stored)
    expect(await auth.getToken()).toBe(stored)
    expect(api.calls['/api/auth/dev-login'] ?? 0).toBe(0)
    const renewed = await auth.getToken({ refused: true })
    expect(renewed).not.toBe(stored)
    expect(api.valid.has(renewed)).toBe(true)
    expect(api.calls['/api/auth/dev-login']).toBe(1)
    expect(store.loadSession()!.token).toBe(renewed)

    vi.stubGlobal('navigator', { onLine: false }) // offline: nothing to renew with, the stored one
    expect(await auth.getToken({ refused: true })).toBe(renewed)
    expect(api.calls['/api/auth/dev-login']).toBe(1)
  })

  it('renews once for tabs refused at the same time: the later ones take the token the first stored', async () => {
    // The device's Web Locks: one holder of a name at a time, the others in turn.
    let queue: Promise<unknown> = Promise.resolve()
    const locks = { request: <T>(_name: string, fn: () => Promise<T>) => (queue = queue.then(fn, fn)) as Promise<T> }
    vi.stubGlobal('navigator', { onLine: true, locks })
    const { auth: tab1 } = signedIn(jwt('alice', 3600))
    const tab2 = new SessionController(fakeHost(), store, {})
    const [one, two] = await Promise.all([tab1.getToken({ refused: true }), tab2.getToken({ refused: true })])
    expect(one).toBe(two)
    expect(api.calls['/api/auth/dev-login']).toBe(1)
    expect(store.loadSession()!.token).toBe(one)
    // Refused again: nothing newer is stored, so it renews.
    expect(await tab2.getToken({ refused: true })).not.toBe(one)
    expect(api.calls['/api/auth/dev-login']).toBe(2)
  })

  it('renews once for calls that need a token at the same time', async () => {
    const { auth } = signedIn(jwt('alice', -60))
    const tokens = await Promise.all([auth.getToken(), auth.getToken(), auth.withToken(async (t) => t)])
    expect(new Set(tokens).size).toBe(1)
    expect(api.calls['/api/auth/dev-login']).toBe(1)
  })

  it('follows a sign-out, and another user\'s sign-in, in another tab', () => {
    const changedElsewhere = vi.fn()
    const { host, auth } = signedIn(jwt('alice', 3600), changedElsewhere)
    auth.hostConnected()
    storage.removeItem('crm:session')
    window.dispatchEvent(storageEvent('crm:session'))
    expect(auth.session).toBeNull()
    expect(changedElsewhere).toHaveBeenCalledTimes(1)
    expect(host.updates).toBeGreaterThan(0)

    store.saveSession({ userId: 'bob', name: 'Bob', token: 'b' })
    window.dispatchEvent(storageEvent(null)) // or the whole storage cleared and rewritten
    expect(auth.session?.userId).toBe('bob')
    expect(changedElsewhere).toHaveBeenCalledTimes(2)

    // Bob's token renewed in that tab: taken over, same user, nothing to leave.
    store.saveSession({ userId: 'bob', name: 'Bob', token: 'b2' })
    window.dispatchEvent(storageEvent('crm:session'))
    expect(auth.session?.token).toBe('b2')
    expect(changedElsewhere).toHaveBeenCalledTimes(2)
    auth.hostDisconnected()
  })

  it('never writes back a session signed out in another tab while its token was being renewed', async () => {
    const changedElsewhere = vi.fn()
    const { auth } = signedIn(jwt('alice', -60), changedElsewhere)
    const release = api.hold('/api/auth/dev-login')
    const token = auth.getToken()
    storage.removeItem('crm:session') // the other tab signs out; its storage event has not arrived yet
    release()
    const error = await token.catch((e: unknown) => e)
    expect(isSessionError(error, 'signed-out')).toBe(true)
    expect(storage.getItem('crm:session')).toBeNull()
    expect(auth.session).toBeNull()
    expect(changedElsewhere).toHaveBeenCalledTimes(1)
  })

  it('never overwrites another user\'s session with its renewed token', async () => {
    const { auth } = signedIn(jwt('alice', -60))
    const release = api.hold('/api/auth/dev-login')
    const token = auth.getToken()
    store.saveSession({ userId: 'bob', name: 'Bob', token: 'b' }) // bob signed in in another tab
    release()
    await expect(token).rejects.toThrow(/signed out/)
    expect(store.loadSession()?.userId).toBe('bob')
    expect(auth.session?.userId).toBe('bob')
  })
})
