// Sign-in and the token. The session (user and token) stays on the device, so the app opens
// and syncs later without asking again; an expired token is renewed when there is a network.
// The tabs of the origin share one session through localStorage: a sign-out (or another user's
// sign-in) in one tab reaches the others by the `storage` event, and a renewal finishing after
// such a change is dropped rather than writing the old user back. With OpenID Connect the token
// is the IdP's access token, renewed by the refresh_token grant; a refresh the IdP refuses asks
// the user to sign in again, and nothing on the device is lost meanwhile (same user: carries on).
import type { GetToken } from '@crm-sync/sync-client'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { ApiError, devLogin } from '../lib/api'
import { forgetAllDrafts, sessionDraftStorage } from '../lib/draft-store'
import type { OidcSignIn } from '../lib/oidc-sign-in'
import { isOidcError } from '../lib/oidc-error'
import { isSessionError, SessionError } from '../lib/session-error'
import { SessionStore, tokenTimes, type Session } from '../lib/session-store'

/** Renew this long before the token expires, or a fifth of its lifetime for short-lived ones (IdPs' access tokens may last minutes). */
const RENEW_MARGIN_S = 300

const renewMargin = (times: { exp: number; iat: number | null }): number =>
  times.iat === null || times.exp <= times.iat ? RENEW_MARGIN_S : Math.min(RENEW_MARGIN_S, (times.exp - times.iat) / 5)

/** Runs `renew` under the device's token-renewal Web Lock, or as is where there are no Web Locks. */
const oneTabAtATime = <T>(renew: () => Promise<T>): Promise<T> => {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks
  return locks ? (locks.request('crm:token-renewal', renew) as Promise<T>) : renew()
}

/** How every REST call of the app gets its token. */
export interface TokenSource {
  /**
   * Runs `call` with the session's token, renewed first when it is about to expire; when the
   * server still answers that the token expired (a device clock behind), renews once and retries.
   */
  withToken<T>(call: (token: string) => Promise<T>): Promise<T>
}

export interface SessionControllerOptions {
  /** Another tab signed out, or in as another user: this tab now shows that. */
  readonly changedElsewhere?: () => void
  /** OpenID Connect with the server's current settings; null in dev mode or while they are unknown. */
  readonly oidc?: () => OidcSignIn | null
  /** Leaves the app for the IdP (sign-in, sign-out); location.assign unless a test says otherwise. */
  readonly leaveFor?: (url: string) => void
}

const isExpiredToken = (e: unknown): boolean => e instanceof ApiError && e.status === 401 && e.code === 'expired'

export class SessionController implements ReactiveController, TokenSource {
  session: Session | null
  signingIn = false
  error: string | null = null
  /** The token cannot be renewed (OpenID Connect: no refresh token, or the IdP refused it): sign in again. */
  signInAgain = false
  private renewal: Promise<string> | null = null

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly store: SessionStore,
    private readonly options: SessionControllerOptions = {},
  ) {
    host.addController(this)
    this.session = store.loadSession()
  }

  hostConnected(): void {
    window.addEventListener('storage', this.onStorage)
  }

  hostDisconnected(): void {
    window.removeEventListener('storage', this.onStorage)
  }

  async signIn(userId: string, name?: string): Promise<void> {
    this.signingIn = true
    this.error = null
    this.host.requestUpdate()
    try {
      const res = await devLogin(userId, name)
      this.session = { userId: res.user.id, name: res.user.name, token: res.token }
      this.store.saveSession(this.session)
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e)
    } finally {
      this.signingIn = false
      this.host.requestUpdate()
    }
  }

  /**
   * OpenID Connect: starts an attempt and leaves for the IdP; `returnTo` is where the callback
   * brings the user back. The session (if any) stays as it is until the callback.
   */
  async startOidcSignIn(returnTo: string): Promise<void> {
    const oidc = this.options.oidc?.()
    if (!oidc) {
      // Still asking the server how to sign in (or it could not be reached): say so, not nothing.
      this.error = 'The sign-in settings have not been loaded from the server yet. Check the connection and try again.'
      this.host.requestUpdate()
      return
    }
    this.signingIn = true
    this.error = null
    this.host.requestUpdate()
    try {
      this.leaveFor((await oidc.authorizationUrl(returnTo)).href)
    } catch (e) {
      this.signingIn = false
      this.error = e instanceof Error ? e.message : String(e)
      this.host.requestUpdate()
    }
  }

  /**
   * OpenID Connect: completes the sign-in from the callback URL. The same user signing in again
   * keeps everything (drafts included); another user replaces the session as a sign-in in another
   * tab does. Returns where to go, or null (this.error says why; nothing stored).
   */
  async completeOidcSignIn(callbackUrl: URL): Promise<string | null> {
    const oidc = this.options.oidc?.()
    this.signingIn = true
    this.error = null
    this.host.requestUpdate()
    try {
      if (!oidc) throw new Error('This server does not sign in with an identity provider (any more). Please sign in again.')
      const { session, returnTo } = await oidc.finish(callbackUrl)
      const before = this.store.loadSession()
      if (before && before.userId !== session.userId) forgetAllDrafts(sessionDraftStorage())
      this.session = session
      this.signInAgain = false
      this.store.saveSession(session)
      return returnTo
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e)
      return null
    } finally {
      this.signingIn = false
      this.host.requestUpdate()
    }
  }

  /** The user has read the last sign-in error. */
  clearError(): void {
    this.error = null
    this.host.requestUpdate()
  }

  signOut(): void {
    const session = this.session
    this.session = null
    this.signInAgain = false
    forgetAllDrafts(sessionDraftStorage())
    this.store.saveSession(null)
    this.host.requestUpdate()
    // Also at the IdP, when it offers that: the refresh token revoked (it outlives the IdP's
    // session), then its session ended (end_session_endpoint), which leaves the page. Offline, only here.
    const oidc = session?.issuer ? this.options.oidc?.() : null
    if (!session || !oidc || oidc.config.issuer !== session.issuer || !navigator.onLine) return
    const revoked = session.refreshToken
      ? oidc.revokeRefreshToken(session.refreshToken).catch((e: unknown) => {
        console.warn('Signed out on this device; the identity provider could not be reached to revoke its refresh token', e)
      })
      : Promise.resolve()
    void revoked.then(() => oidc.endSessionUrl(session.idToken, location.origin)).then(
      (url) => url && this.leaveFor(url.href),
      (e: unknown) => console.warn('Signed out on this device; the identity provider could not be reached to end its session there', e),
    )
  }

  /**
   * For openBook: the stored token, renewed first when it is about to expire, or when the relay
   * refused it (its clock may be ahead of this device's), and we are online.
   */
  readonly getToken: GetToken = async (request) => {
    const session = this.signedIn()
    const times = tokenTimes(session.token)
    const expiring = times !== null && times.exp - renewMargin(times) < Date.now() / 1000
    if ((!expiring && !request?.refused) || !navigator.onLine) return session.token
    return this.renew(session)
  }

  readonly withToken = async <T>(call: (token: string) => Promise<T>): Promise<T> => {
    try {
      return await call(await this.getToken())
    } catch (e) {
      if (!isExpiredToken(e)) throw e
      return call(await this.renew(this.signedIn()))
    }
  }

  private signedIn(): Session {
    if (!this.session) throw new SessionError('signed-out', 'not signed in')
    return this.session
  }

  /**
   * One renewal at a time, whoever asks (the relay, the book list, an import), and one tab at a
   * time: tabs whose connections the relay closed at the token's expiry renew it once.
   */
  private renew(session: Session): Promise<string> {
    this.renewal ??= oneTabAtATime(() => this.renewUnlessRenewed(session)).finally(() => (this.renewal = null))
    return this.renewal
  }

  private async renewUnlessRenewed(session: Session): Promise<string> {
    // Another tab renewed it while this one waited its turn (its storage event may not be here yet).
    const stored = this.store.loadSession()
    if (stored?.userId === session.userId && stored.token !== session.token) {
      this.follow(stored)
      return stored.token
    }
    if (this.signInAgain) throw new SessionError('sign-in-again', 'sign in again to sync')
    return this.fetchToken(stored?.userId === session.userId ? stored : session)
  }

  /** A new token: dev login again, or the OpenID Connect refresh_token grant. */
  private async renewedTokens(session: Session): Promise<Pick<Session, 'token' | 'refreshToken' | 'idToken'>> {
    const oidc = this.options.oidc?.() ?? null
    if (!session.issuer && !oidc) return { token: (await devLogin(session.userId, session.name)).token }
    try {
      // The server's sign-in changed under this session (dev login then an IdP, or another IdP).
      if (!oidc || oidc.config.issuer !== session.issuer) {
        throw new SessionError('sign-in-again', session.issuer ? `this server no longer signs in at ${session.issuer}` : 'this server signs in with an identity provider now')
      }
      return await oidc.refresh(session)
    } catch (e) {
      if (!isOidcError(e, 'refresh-refused') && !(e instanceof SessionError)) throw e // unreachable IdP: later
      throw new SessionError('sign-in-again', `sign in again to sync (${e.message})`, { cause: e })
    }
  }

  private async fetchToken(session: Session): Promise<string> {
    let renewed: Awaited<ReturnType<SessionController['renewedTokens']>>
    try {
      renewed = await this.renewedTokens(session)
    } catch (e) {
      if (!isSessionError(e, 'sign-in-again')) throw e
      const stored = this.store.loadSession()
      // Signed in again while the old refresh token was refused (this tab's callback, on the page
      // that also renewed at start; or another tab): the new session's token, not this refusal.
      if (stored?.userId === session.userId && stored.token !== session.token) {
        this.follow(stored)
        return stored.token
      }
      // Only for the user it was for: another tab may have signed out or in as another user.
      if (stored?.userId === session.userId && this.session?.userId === session.userId) {
        this.signInAgain = true
        this.host.requestUpdate()
      }
      throw e
    }
    // Another tab may have signed out, or in as someone else, while we waited (its storage event
    // may not even have arrived yet): the device's session is theirs to decide, not ours to undo.
    const stored = this.store.loadSession()
    if (stored?.userId !== session.userId || this.session?.userId !== session.userId) {
      this.follow(stored)
      throw new SessionError('signed-out', `${session.userId} was signed out on this device while the token was renewed`)
    }
    this.session = { ...stored, ...renewed }
    this.store.saveSession(this.session)
    return renewed.token
  }

  private leaveFor(url: string): void {
    ;(this.options.leaveFor ?? ((u: string) => location.assign(u)))(url)
  }

  private readonly onStorage = (e: StorageEvent) => {
    if (SessionStore.isSessionKey(e.key)) this.follow(this.store.loadSession())
  }

  /** Takes the session as another tab left it: gone, another user's, or the same one renewed. */
  private follow(stored: Session | null): void {
    const before = this.session
    if (stored?.userId === before?.userId && stored?.token === before?.token) return
    this.session = stored
    this.signInAgain = false // signed in again (or out) elsewhere
    if (stored?.userId !== before?.userId) {
      forgetAllDrafts(sessionDraftStorage())
      this.options.changedElsewhere?.()
    }
    this.host.requestUpdate()
  }
}
