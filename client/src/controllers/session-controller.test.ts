// The session's token for REST calls (renewed when expired, retried once when the server says so)
// and the session shared by the tabs of the origin (a sign-out elsewhere is followed, never undone).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { listBooks } from '../lib/api'
import { isSessionError } from '../lib/session-error'
import { OidcError } from '../lib/oidc-error'
import type { OidcSignIn } from '../lib/oidc-sign-in'
import { SessionStore, type Session } from '../lib/session-store'
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

  it('renews a dev token (12 h) five minutes before it expires, not a fifth of its lifetime before', async () => {
    const now = Math.floor(Date.now() / 1000)
    const LIFETIME_S = 12 * 3600
    const token = (leftS: number) => `h.${Buffer.from(JSON.stringify({ sub: 'alice', iat: now + leftS - LIFETIME_S, exp: now + leftS })).toString('base64url')}.s`
    const kept = token(310) // outside the 300 s margin (10 s for the test's own time)
    expect(await signedIn(kept).auth.getToken()).toBe(kept)
    expect(api.calls['/api/auth/dev-login'] ?? 0).toBe(0)
    const late = token(290) // within it
    expect(await signedIn(late).auth.getToken()).not.toBe(late)
    expect(api.calls['/api/auth/dev-login']).toBe(1)
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

  describe('with OpenID Connect', () => {
    const ISSUER = 'https://idp.example.com'
    /** A stand-in for OidcSignIn: the refresh and the sign-in completion answer what each test sets. */
    const fakeOidc = () => {
      const oidc = {
        config: { mode: 'oidc', issuer: ISSUER, clientId: 'crm-app', scope: 'openid' } as const,
        refreshes: [] as string[],
        refresh: vi.fn(async (s: Session): Promise<Pick<Session, 'token' | 'refreshToken' | 'idToken'>> => {
          oidc.refreshes.push(s.refreshToken ?? '')
          return { token: jwt(s.userId, 3600, oidc.refreshes.length), refreshToken: `refresh-${oidc.refreshes.length + 1}`, idToken: 'id-1' }
        }),
        finish: vi.fn(async (_url: URL) => ({ session: oidcSession('erin', 3600), returnTo: '/books/b' })),
        authorizationUrl: vi.fn(async (_returnTo: string) => new URL(`${ISSUER}/auth?state=s`)),
        endSessionUrl: vi.fn(async (_idToken: string | undefined, _back: string): Promise<URL | null> => new URL(`${ISSUER}/session/end`)),
        revokeRefreshToken: vi.fn(async (_refreshToken: string) => true),
      }
      return oidc
    }
    const oidcSession = (userId: string, expiresInS: number): Session =>
      ({ userId, name: userId, token: jwt(userId, expiresInS), issuer: ISSUER, refreshToken: 'refresh-1', idToken: 'id-0' })
    const controller = (oidc: ReturnType<typeof fakeOidc> | null, session: Session | null, host = fakeHost()) => {
      if (session) store.saveSession(session)
      const left: string[] = []
      const auth = new SessionController(host, store, { oidc: () => oidc as unknown as OidcSignIn, leaveFor: (url) => left.push(url) })
      return { auth, host, left }
    }
    /** A tab's sessionStorage, where the app keeps unsaved form texts (lib/draft-store.ts). */
    const drafts = () => {
      const all = new Map<string, string>()
      return {
        get length() { return all.size },
        key: (i: number) => [...all.keys()][i] ?? null,
        getItem: (k: string) => all.get(k) ?? null,
        setItem: (k: string, v: string) => void all.set(k, v),
        removeItem: (k: string) => void all.delete(k),
      }
    }

    it('renews with the refresh token, keeping the rotated one for next time; dev login is not asked', async () => {
      const oidc = fakeOidc()
      const { auth } = controller(oidc, oidcSession('erin', -60))
      const token = await auth.getToken()
      expect(oidc.refreshes).toEqual(['refresh-1'])
      expect(store.loadSession()).toMatchObject({ userId: 'erin', token, refreshToken: 'refresh-2', issuer: ISSUER })
      await auth.getToken({ refused: true })
      expect(oidc.refreshes).toEqual(['refresh-1', 'refresh-2'])
      expect(api.calls['/api/auth/dev-login'] ?? 0).toBe(0)
    })

    it('renews a short-lived token a fifth of its lifetime before it expires, not five minutes before', async () => {
      const oidc = fakeOidc()
      const now = Math.floor(Date.now() / 1000)
      const token = (iat: number, exp: number) => `h.${Buffer.from(JSON.stringify({ sub: 'erin', iat, exp })).toString('base64url')}.s`
      const fresh = token(now, now + 60) // a minute's token just issued: kept (five minutes' margin would renew it at once)
      expect(await controller(oidc, { ...oidcSession('erin', 0), token: fresh }).auth.getToken()).toBe(fresh)
      expect(oidc.refresh).not.toHaveBeenCalled()
      const late = token(now - 50, now + 10) // 10 s left of 60: within the 12 s margin
      expect(await controller(oidc, { ...oidcSession('erin', 0), token: late }).auth.getToken()).not.toBe(late)
      expect(oidc.refresh).toHaveBeenCalledTimes(1)
    })

    it('asks to sign in again when the IdP refuses the refresh token, keeping the session and drafts; asks the IdP no more', async () => {
      const sessionStorage = drafts()
      vi.stubGlobal('sessionStorage', sessionStorage)
      sessionStorage.setItem('crm:drafts:erin:b:x', 'unsaved')
      const oidc = fakeOidc()
      oidc.refresh.mockRejectedValueOnce(new OidcError('refresh-refused', 'invalid_grant'))
      const { auth, host } = controller(oidc, oidcSession('erin', -60))
      const error = await auth.getToken().catch((e: unknown) => e)
      expect(isSessionError(error, 'sign-in-again')).toBe(true)
      expect(auth.signInAgain).toBe(true)
      expect(host.updates).toBeGreaterThan(0)
      expect(auth.session?.userId).toBe('erin')
      expect(store.loadSession()?.userId).toBe('erin')
      expect(sessionStorage.getItem('crm:drafts:erin:b:x')).toBe('unsaved')
      await expect(auth.withToken(async (t) => t)).rejects.toMatchObject({ code: 'sign-in-again' })
      expect(oidc.refresh).toHaveBeenCalledTimes(1)

      // Signing in again as the same user carries on: same session, drafts kept, renewals again.
      oidc.finish.mockResolvedValueOnce({ session: oidcSession('erin', 3600), returnTo: '/books/b' })
      expect(await auth.completeOidcSignIn(new URL('https://crm.example.com/auth/callback?code=c&state=s'))).toBe('/books/b')
      expect(auth.signInAgain).toBe(false)
      expect(sessionStorage.getItem('crm:drafts:erin:b:x')).toBe('unsaved')
      expect(store.loadSession()?.refreshToken).toBe('refresh-1')
    })

    it('takes a sign-in that landed while the old refresh token was being refused, instead of asking again', async () => {
      const oidc = fakeOidc()
      let refuse = () => {}
      oidc.refresh.mockImplementationOnce(() => new Promise((_resolve, reject) => (refuse = () => reject(new OidcError('refresh-refused', 'invalid_grant')))))
      const { auth } = controller(oidc, oidcSession('erin', -60))
      const token = auth.getToken() // the page back from the IdP renews with the dead refresh token...
      await vi.waitFor(() => expect(oidc.refresh).toHaveBeenCalledTimes(1))
      expect(await auth.completeOidcSignIn(new URL('https://crm.example.com/auth/callback?code=c&state=s'))).toBe('/books/b') // ...while the callback completes
      const fresh = store.loadSession()!.token
      refuse()
      expect(await token).toBe(fresh)
      expect(auth.signInAgain).toBe(false)
      expect(auth.session?.token).toBe(fresh)
    })

    it('leaves an unreachable IdP for later: no "sign in again"', async () => {
      const oidc = fakeOidc()
      oidc.refresh.mockRejectedValueOnce(new TypeError('Failed to fetch'))
      const { auth } = controller(oidc, oidcSession('erin', -60))
      await expect(auth.getToken()).rejects.toThrow('Failed to fetch')
      expect(auth.signInAgain).toBe(false)
      vi.stubGlobal('navigator', { onLine: false }) // offline: nothing is tried, the stored token goes
      expect(await auth.getToken()).toBe(store.loadSession()!.token)
      expect(oidc.refresh).toHaveBeenCalledTimes(1)
    })

    it('asks to sign in again when the server no longer signs in at the session\'s issuer', async () => {
      const { auth } = controller(null, oidcSession('erin', -60))
      await expect(auth.getToken()).rejects.toMatchObject({ code: 'sign-in-again' })
      expect(auth.signInAgain).toBe(true)
      expect(api.calls['/api/auth/dev-login'] ?? 0).toBe(0)
    })

    it('asks a dev-login session to sign in again once the server signs in with an IdP (no dev login tried)', async () => {
      const oidc = fakeOidc()
      const { auth } = controller(oidc, { userId: 'alice', name: 'Alice', token: jwt('alice', -60) })
      await expect(auth.getToken()).rejects.toMatchObject({ code: 'sign-in-again' })
      expect(auth.signInAgain).toBe(true)
      expect(api.calls['/api/auth/dev-login'] ?? 0).toBe(0)
      expect(oidc.refresh).not.toHaveBeenCalled()
    })

    it('another user signing in replaces the session and forgets the drafts; a failed callback stores nothing', async () => {
      const sessionStorage = drafts()
      vi.stubGlobal('sessionStorage', sessionStorage)
      sessionStorage.setItem('crm:drafts:alice:b:x', 'unsaved')
      const oidc = fakeOidc()
      const { auth } = controller(oidc, { ...oidcSession('alice', 3600) })
      oidc.finish.mockRejectedValueOnce(new OidcError('state-mismatch', 'does not belong'))
      expect(await auth.completeOidcSignIn(new URL('https://crm.example.com/auth/callback'))).toBeNull()
      expect(auth.error).toBe('does not belong')
      expect(store.loadSession()?.userId).toBe('alice')
      expect(sessionStorage.getItem('crm:drafts:alice:b:x')).toBe('unsaved')

      expect(await auth.completeOidcSignIn(new URL('https://crm.example.com/auth/callback'))).toBe('/books/b')
      expect(store.loadSession()?.userId).toBe('erin')
      expect(auth.error).toBeNull()
      expect(sessionStorage.getItem('crm:drafts:alice:b:x')).toBeNull()
    })

    it('says why a sign-in cannot start while the server\'s sign-in settings are unknown, instead of doing nothing', async () => {
      const { auth, host, left } = controller(null, oidcSession('erin', 3600))
      await auth.startOidcSignIn('/books/b')
      expect(auth.error).toMatch(/sign-in settings have not been loaded/)
      expect(auth.signingIn).toBe(false)
      expect(host.updates).toBeGreaterThan(0)
      expect(left).toEqual([])
      auth.clearError()
      expect(auth.error).toBeNull()
    })

    it('starts a sign-in by leaving for the IdP, and signs out there too (online)', async () => {
      const oidc = fakeOidc()
      const { auth, left } = controller(oidc, oidcSession('erin', 3600))
      await auth.startOidcSignIn('/books/b')
      expect(oidc.authorizationUrl).toHaveBeenCalledWith('/books/b')
      expect(left).toEqual([`${ISSUER}/auth?state=s`])
      vi.stubGlobal('location', { origin: 'https://crm.example.com', assign: () => {} })
      auth.signOut()
      expect(store.loadSession()).toBeNull()
      await vi.waitFor(() => expect(left).toEqual([`${ISSUER}/auth?state=s`, `${ISSUER}/session/end`]))
      expect(oidc.endSessionUrl).toHaveBeenCalledWith('id-0', 'https://crm.example.com')
      // The refresh token revoked before the page leaves for the IdP's logout.
      expect(oidc.revokeRefreshToken).toHaveBeenCalledWith('refresh-1')
      expect(oidc.revokeRefreshToken.mock.invocationCallOrder[0]).toBeLessThan(oidc.endSessionUrl.mock.invocationCallOrder[0]!)
    })

    it('still ends the IdP session when the refresh token cannot be revoked', async () => {
      const oidc = fakeOidc()
      oidc.revokeRefreshToken.mockRejectedValueOnce(new TypeError('Failed to fetch'))
      const { auth, left } = controller(oidc, oidcSession('erin', 3600))
      vi.stubGlobal('location', { origin: 'https://crm.example.com', assign: () => {} })
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
      auth.signOut()
      expect(store.loadSession()).toBeNull()
      await vi.waitFor(() => expect(left).toEqual([`${ISSUER}/session/end`]))
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/could not be reached to revoke/), expect.any(TypeError))
      warn.mockRestore()
    })
  })
})
