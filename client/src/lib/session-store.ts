// The signed-in user and the last known list of books, kept on the device so the app starts
// and opens books with no network (a field rep signs in once, then works offline for days).
import type { KeyValueStorage } from './last-change-store'

export interface Session {
  readonly userId: string
  readonly name: string
  /** The bearer token for the API and the relay (an OpenID Connect sign-in: the access token). */
  readonly token: string
  /** Signed in with OpenID Connect at this issuer (absent: dev login). */
  readonly issuer?: string
  /** OpenID Connect: renews `token` (refresh_token grant). */
  readonly refreshToken?: string
  /** OpenID Connect: the ID token, the hint for signing out at the IdP. */
  readonly idToken?: string
}

export const ROLES = ['owner', 'editor', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export interface BookEntry {
  readonly id: string
  readonly name: string
  readonly role: Role
}

const SESSION_KEY = 'crm:session'
const booksKey = (userId: string) => `crm:books:${userId}`

const parse = <T>(raw: string | null, check: (v: unknown) => v is T): T | null => {
  if (!raw) return null
  try {
    const v: unknown = JSON.parse(raw)
    return check(v) ? v : null
  } catch {
    return null
  }
}

const isSession = (v: unknown): v is Session => {
  const s = v as Partial<Session> | null
  return typeof s === 'object' && s !== null && typeof s.userId === 'string' && typeof s.name === 'string' && typeof s.token === 'string'
    && (['issuer', 'refreshToken', 'idToken'] as const).every((k) => s[k] === undefined || typeof s[k] === 'string')
}

const isBookList = (v: unknown): v is BookEntry[] =>
  Array.isArray(v) && v.every((b) => typeof b?.id === 'string' && typeof b?.name === 'string' && (ROLES as readonly unknown[]).includes(b?.role))

export class SessionStore {
  constructor(private readonly storage: KeyValueStorage & { removeItem(key: string): void }) {}

  loadSession(): Session | null {
    return parse(this.storage.getItem(SESSION_KEY), isSession)
  }

  saveSession(session: Session | null): void {
    if (session) this.storage.setItem(SESSION_KEY, JSON.stringify(session))
    else this.storage.removeItem(SESSION_KEY)
  }

  loadBooks(userId: string): BookEntry[] | null {
    return parse(this.storage.getItem(booksKey(userId)), isBookList)
  }

  saveBooks(userId: string, books: readonly BookEntry[]): void {
    this.storage.setItem(booksKey(userId), JSON.stringify(books))
  }

  /** A `storage` event's key (null: the storage was cleared) concerns the session. */
  static isSessionKey(key: string | null): boolean {
    return key === null || key === SESSION_KEY
  }
}

/** Seconds since the epoch when the JWT expires, or null when it cannot be read. */
export function tokenExpiry(token: string): number | null {
  return tokenTimes(token)?.exp ?? null
}

/** The JWT's `exp` and (when it has one) `iat`, seconds since the epoch; null when unreadable or without `exp`. */
export function tokenTimes(token: string): { exp: number; iat: number | null } | null {
  try {
    const payload = token.split('.')[1]
    if (!payload) return null
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown; iat?: unknown }
    if (typeof json.exp !== 'number') return null
    return { exp: json.exp, iat: typeof json.iat === 'number' ? json.iat : null }
  } catch {
    return null
  }
}
