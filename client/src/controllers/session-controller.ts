// Sign-in and the token. The session (user and token) stays on the device, so the app opens
// and syncs later without asking again; an expired token is renewed when there is a network.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { devLogin } from '../lib/api'
import { SessionStore, tokenExpiry, type Session } from '../lib/session-store'

/** Renew this long before the token expires. */
const RENEW_MARGIN_S = 300

export class SessionController implements ReactiveController {
  session: Session | null
  signingIn = false
  error: string | null = null

  constructor(private readonly host: ReactiveControllerHost, private readonly store: SessionStore) {
    host.addController(this)
    this.session = store.loadSession()
  }

  hostConnected(): void {}

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
    this.store.saveSession(null)
    this.host.requestUpdate()
  }

  /** For openBook: the stored token, renewed first when it is about to expire and we are online. */
  readonly getToken = async (): Promise<string> => {
    const session = this.session
    if (!session) throw new Error('not signed in')
    const exp = tokenExpiry(session.token)
    const expiring = exp !== null && exp - RENEW_MARGIN_S < Date.now() / 1000
    if (!expiring || !navigator.onLine) return session.token
    // Dev login is the only sign-in this app knows yet; with AUTH_MODE=jwt this fails and the
    // relay's 4401 ends up in the sync badge.
    const res = await devLogin(session.userId, session.name)
    this.session = { ...session, token: res.token }
    this.store.saveSession(this.session)
    return res.token
  }
}
