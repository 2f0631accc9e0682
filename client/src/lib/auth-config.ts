// How this server wants the app to sign in (GET /api/auth/config), kept in localStorage so the
// sign-in screen knows it on a start with no network.
import type { KeyValueStorage } from './last-change-store'

export type AuthConfig =
  | { readonly mode: 'dev' }
  | { readonly mode: 'oidc'; readonly issuer: string; readonly clientId: string; readonly scope: string; readonly resource?: string }
  | { readonly mode: 'external' }

export type OidcConfig = Extract<AuthConfig, { mode: 'oidc' }>

const KEY = 'crm:auth-config'

const isUrl = (v: unknown): v is string => typeof v === 'string' && URL.canParse(v)

/** The answer (or the stored copy) as an AuthConfig, or null when it is not one. */
export function parseAuthConfig(v: unknown): AuthConfig | null {
  const c = v as Record<string, unknown> | null
  if (typeof c !== 'object' || c === null) return null
  if (c['mode'] === 'dev' || c['mode'] === 'external') return { mode: c['mode'] }
  if (c['mode'] !== 'oidc') return null
  const { issuer, clientId, scope, resource } = c
  if (!isUrl(issuer) || typeof clientId !== 'string' || !clientId || typeof scope !== 'string') return null
  if (resource !== undefined && !isUrl(resource)) return null
  return { mode: 'oidc', issuer, clientId, scope, ...(resource !== undefined ? { resource } : {}) }
}

export class AuthConfigStore {
  constructor(private readonly storage: KeyValueStorage) {}

  load(): AuthConfig | null {
    try {
      return parseAuthConfig(JSON.parse(this.storage.getItem(KEY) ?? 'null'))
    } catch {
      return null
    }
  }

  save(config: AuthConfig): void {
    this.storage.setItem(KEY, JSON.stringify(config))
  }
}

/** Asks the server; throws when it cannot be reached or answers something else. */
export async function fetchAuthConfig(fetchFn: typeof fetch = fetch): Promise<AuthConfig> {
  const res = await fetchFn('/api/auth/config', { headers: { accept: 'application/json' }, cache: 'no-store' })
  if (!res.ok) throw new Error(`the server answered ${res.status} for its sign-in settings`)
  const config = parseAuthConfig(await res.json())
  if (!config) throw new Error('the server answered sign-in settings this app does not know')
  return config
}
