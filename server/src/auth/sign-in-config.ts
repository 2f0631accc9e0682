// How the web app signs users in, derived once from the configuration and told to the app by
// GET /api/auth/config: dev login, OpenID Connect against the configured issuer, or tokens that
// come from elsewhere (AUTH_MODE=jwt without AUTH_OIDC_*: an embedding app, a gateway).
import type { Config } from '../config'

export const DEFAULT_OIDC_SCOPE = 'openid profile offline_access'

export type SignInConfig =
  | { readonly mode: 'dev' }
  | { readonly mode: 'oidc'; readonly issuer: string; readonly clientId: string; readonly scope: string; readonly resource?: string }
  | { readonly mode: 'external' }

type AuthConfig = Pick<Config, 'AUTH_MODE' | 'AUTH_OIDC_ISSUER' | 'AUTH_OIDC_CLIENT_ID' | 'AUTH_OIDC_SCOPE' | 'AUTH_OIDC_RESOURCE'>

export const signInConfigOf = (c: AuthConfig): SignInConfig => {
  if (c.AUTH_MODE === 'dev') return { mode: 'dev' }
  if (!c.AUTH_OIDC_ISSUER || !c.AUTH_OIDC_CLIENT_ID) return { mode: 'external' }
  return {
    mode: 'oidc',
    issuer: c.AUTH_OIDC_ISSUER,
    clientId: c.AUTH_OIDC_CLIENT_ID,
    scope: c.AUTH_OIDC_SCOPE ?? DEFAULT_OIDC_SCOPE,
    ...(c.AUTH_OIDC_RESOURCE ? { resource: c.AUTH_OIDC_RESOURCE } : {}),
  }
}
