// One sign-in attempt's secrets (PKCE verifier, state, nonce) and where the user was going, kept
// in the tab's sessionStorage between the redirect to the IdP and the callback. Taken once: a
// callback replayed (back button, a copied URL) finds nothing and is refused.
import type { KeyValueStorage } from './last-change-store'

export interface OidcAttempt {
  readonly issuer: string
  readonly clientId: string
  readonly state: string
  readonly nonce: string
  readonly codeVerifier: string
  /** The app path to go back to after signing in. */
  readonly returnTo: string
  /** ms since the epoch */
  readonly startedAt: number
}

/** A callback later than this after its start is refused (IdPs' codes last minutes, not hours). */
export const ATTEMPT_MAX_AGE_MS = 15 * 60_000

const KEY = 'crm:oidc-attempt'

const isAttempt = (v: unknown): v is OidcAttempt => {
  const a = v as Record<string, unknown> | null
  return typeof a === 'object' && a !== null
    && ['issuer', 'clientId', 'state', 'nonce', 'codeVerifier', 'returnTo'].every((k) => typeof a[k] === 'string' && a[k] !== '')
    && typeof a['startedAt'] === 'number' && Number.isFinite(a['startedAt'])
}

/** Only a path of this app: never an absolute URL to send the user elsewhere after sign-in. */
export const safeReturnPath = (path: string): string => (/^\/(?![/\\])/.test(path) && !path.startsWith('/auth/') ? path : '/')

export class OidcAttemptStore {
  constructor(private readonly storage: KeyValueStorage & { removeItem(key: string): void }) {}

  save(attempt: OidcAttempt): void {
    this.storage.setItem(KEY, JSON.stringify(attempt))
  }

  /** The attempt under way, removed (whatever it holds): null when there is none or it is malformed. */
  take(): OidcAttempt | null {
    const raw = this.storage.getItem(KEY)
    this.storage.removeItem(KEY)
    if (!raw) return null
    try {
      const v: unknown = JSON.parse(raw)
      return isAttempt(v) ? { ...v, returnTo: safeReturnPath(v.returnTo) } : null
    } catch {
      return null
    }
  }
}
