// How far the identity provider's clock is from this device's, for oauth4webapi's clockSkew (it
// takes a skew but does not measure one): ID tokens are checked against the IdP's time, so a device
// clock that is off does not fail a sign-in or a refresh the IdP has already counted as done.
import { tokenTimes } from './session-store'

/** The IdP's clock minus ours (seconds) from a response's Date header, when the browser lets us read it (same origin, or the IdP exposes it by CORS). */
export function dateSkew(response: Response, now: number): number | null {
  const date = Date.parse(response.headers.get('date') ?? '')
  return Number.isFinite(date) ? Math.round((date - now) / 1000) : null
}

/**
 * The IdP's clock minus ours (seconds), from a token response: its Date header, or else the
 * `iat` of the ID token it carries. The latter is the IdP's "now" as it answered this very
 * request over TLS (the token endpoint's ID tokens are vouched for by TLS, OIDC Core 3.1.3.7),
 * and it is all a browser has where the IdP does not expose Date to other origins. oauth4webapi
 * takes a skew (its clockSkew) but does not measure one.
 */
export async function clockSkewOf(response: Response, now: number): Promise<number | null> {
  const fromDate = dateSkew(response, now)
  if (fromDate !== null || !response.ok) return fromDate
  try {
    const body = (await response.clone().json()) as { id_token?: unknown }
    if (typeof body.id_token !== 'string') return null
    const iat = tokenTimes(body.id_token)?.iat
    return typeof iat === 'number' ? Math.round(iat - now / 1000) : null
  } catch {
    return null // not JSON, or no JWT: oauth4webapi says so when it processes the response
  }
}
