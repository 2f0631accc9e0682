// Sign-in and the token. The session (user and token) stays on the device, so the app opens
// and syncs later without asking again; an expired token is renewed when there is a network.
// The tabs of the origin share one session through localStorage: a sign-out (or another user's
// sign-in) in one tab reaches the others by the `storage` event, and a renewal finishing after
// such a change is dropped rather than writing the old user back.
import type { GetToken } from '@crm-sync/sync-client'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { ApiError, devLogin } from '../lib/api'
import { forgetAllDrafts, sessionDraftStorage } from '../lib/draft-store'
import { SessionError } from '../lib/session-error'
import { SessionStore, tokenExpiry, type Session } from '../lib/session-store'

/** Renew this long before the token expires. */
const RENEW_MARGIN_S = 300

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
}

const isExpiredToken = (e: unknown): boolean => e instanceof ApiError && e.status === 401 && e.code === 'expired'

export class SessionController implements ReactiveController, TokenSource {
  session: Session | null
  signingIn = false
  error: string | null = null
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

  signOut(): void {
    this.session = null
    forgetAllDrafts(sessionDraftStorage())
    this.store.saveSession(null)
    this.host.requestUpdate()
  }

  /**
   * For openBook: the stored token, renewed first when it is about to expire, or when the relay
   * refused it (its clock may be ahead of this device's), and we are online.
   */
  readonly getToken: GetToken = async (request) => {
    const session = this.signedIn()
    const exp = tokenExpiry(session.token)
    const expiring = exp !== null && exp - RENEW_MARGIN_S < Date.now() / 1000
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
    return this.fetchToken(session)
  }

  private async fetchToken(session: Session): Promise<string> {
    // Dev login is the only sign-in this app knows yet; with AUTH_MODE=jwt this fails and the
    // relay's 4401 ends up in the sync badge.
    const res = await devLogin(session.userId, session.name)
    // Another tab may have signed out, or in as someone else, while we waited (its storage event
    // may not even have arrived yet): the device's session is theirs to decide, not ours to undo.
    const stored = this.store.loadSession()
    if (stored?.userId !== session.userId || this.session?.userId !== session.userId) {
      this.follow(stored)
      throw new SessionError('signed-out', `${session.userId} was signed out on this device while the token was renewed`)
    }
    this.session = { ...stored, token: res.token }
    this.store.saveSession(this.session)
    return res.token
  }

  private readonly onStorage = (e: StorageEvent) => {
    if (SessionStore.isSessionKey(e.key)) this.follow(this.store.loadSession())
  }

  /** Takes the session as another tab left it: gone, another user's, or the same one renewed. */
  private follow(stored: Session | null): void {
    const before = this.session
    if (stored?.userId === before?.userId && stored?.token === before?.token) return
    this.session = stored
    if (stored?.userId !== before?.userId) {
      forgetAllDrafts(sessionDraftStorage())
      this.options.changedElsewhere?.()
    }
    this.host.requestUpdate()
  }
}
