// OpenID Connect sign-in for the app, a public client: Authorization Code flow with PKCE (S256),
// state and nonce, discovery, the code exchange with ID token checks, the refresh_token grant, and
// RP-initiated logout. The protocol work is oauth4webapi's; this file holds our choices (what the
// session keeps, which failures mean "sign in again") and the callback checks as one pure function.
import * as oauth from 'oauth4webapi'
import type { OidcConfig } from './auth-config'
import { ATTEMPT_MAX_AGE_MS, safeReturnPath, type OidcAttempt, type OidcAttemptStore } from './oidc-attempt'
import { OidcError } from './oidc-error'
import { clockSkewOf, dateSkew } from './idp-clock'
import type { Session } from './session-store'

/** The server's (server/src/auth/identity.ts): a subject it would refuse is no user to sign in. */
const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/

export const AUTH_CALLBACK_PATH = '/auth/callback'

export interface OidcSignInOptions {
  /** `${location.origin}/auth/callback` */
  readonly redirectUri: string
  readonly attempts: OidcAttemptStore
  readonly now?: () => number
  /** How long a request to the IdP may take before it is given up (it runs under the renewal's Web Lock). */
  readonly requestTimeoutMs?: number
}

const DEFAULT_REQUEST_TIMEOUT_MS = 15_000

/** What a sign-in gives: the session, and where the user was going. */
export interface SignedIn {
  readonly session: Session
  readonly returnTo: string
}

/** The tokens a refresh gives (the IdP may rotate the refresh token and send a new ID token). */
export type RenewedTokens = Pick<Session, 'token' | 'refreshToken' | 'idToken'>

/**
 * Checks a callback URL against the attempt this tab started, before any code is exchanged:
 * returns the parameters to exchange, or throws OidcError saying what is wrong.
 */
export function checkCallback(url: URL, attempt: OidcAttempt | null, config: OidcConfig, as: oauth.AuthorizationServer, now: number): URLSearchParams {
  if (!attempt) throw new OidcError('no-attempt', 'This sign-in was not started here, or it was already used. Please sign in again.')
  if (now - attempt.startedAt > ATTEMPT_MAX_AGE_MS || now < attempt.startedAt - 60_000) {
    throw new OidcError('stale-attempt', 'This sign-in took too long. Please sign in again.')
  }
  if (attempt.issuer !== config.issuer || attempt.clientId !== config.clientId || !sameUrl(as.issuer, config.issuer)) {
    throw new OidcError('issuer-changed', 'The sign-in settings changed while you were signing in. Please sign in again.')
  }
  // Said before anything else the URL claims: without our state it is not an answer to our request.
  if (url.searchParams.get('state') !== attempt.state) {
    throw new OidcError('state-mismatch', 'This sign-in answer does not belong to the sign-in started here, so it was ignored. Please sign in again.')
  }
  let params: URLSearchParams
  try {
    params = oauth.validateAuthResponse(as, { client_id: config.clientId }, url, attempt.state)
  } catch (e) {
    if (e instanceof oauth.AuthorizationResponseError) {
      if (e.error === 'access_denied') throw new OidcError('access-denied', 'Sign-in was cancelled or refused. Nothing was changed.', { cause: e })
      throw new OidcError('idp-error', `The identity provider could not sign you in (${e.error}${e.error_description ? `: ${e.error_description}` : ''}).`, { cause: e })
    }
    throw new OidcError('idp-error', `The identity provider's answer was not valid (${e instanceof Error ? e.message : String(e)}).`, { cause: e })
  }
  if (!params.get('code')) throw new OidcError('missing-code', 'The identity provider sent no authorization code. Please sign in again.')
  return params
}

export class OidcSignIn {
  private server: Promise<oauth.AuthorizationServer> | null = null
  private readonly client: oauth.Client
  private readonly clientAuth = oauth.None()
  /** http:// issuers are allowed on localhost only (the server's config checks that); every request times out. */
  private readonly http: { [oauth.allowInsecureRequests]?: boolean; signal: () => AbortSignal }
  private readonly now: () => number
  /** The IdP's clock minus this device's (Date.now, as oauth4webapi reads it), in seconds, as last measured (idp-clock.ts). */
  private skewS = 0

  constructor(readonly config: OidcConfig, private readonly o: OidcSignInOptions) {
    this.client = { client_id: config.clientId }
    const timeoutMs = o.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.http = {
      ...(new URL(config.issuer).protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {}),
      // A fresh timer per request (a function, so discovery retried later does not reuse a spent one).
      signal: () => AbortSignal.timeout(timeoutMs),
    }
    this.now = o.now ?? Date.now
  }

  /** The client as oauth4webapi checks ID tokens with it: our clock corrected by the skew measured. */
  private clientAt(): oauth.Client {
    return { ...this.client, [oauth.clockSkew]: this.skewS }
  }

  /** Measures the IdP's clock from a token response before its ID token's times are checked. */
  private async measureClock(response: Response): Promise<void> {
    const skew = await clockSkewOf(response, Date.now())
    if (skew !== null) this.skewS = skew
  }

  /** The IdP's host, for "Sign in with …". */
  get issuerHost(): string {
    return new URL(this.config.issuer).host
  }

  /** Discovery, once per page (a failure is asked again next time). */
  discover(): Promise<oauth.AuthorizationServer> {
    this.server ??= (async () => {
      const issuer = new URL(this.config.issuer)
      try {
        const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...this.http })
        const skew = dateSkew(response, Date.now())
        if (skew !== null) this.skewS = skew
        return await oauth.processDiscoveryResponse(issuer, response)
      } catch (e) {
        throw new OidcError('discovery-failed', `Could not reach the identity provider ${issuer.host} (${e instanceof Error ? e.message : String(e)}).`, { cause: e })
      }
    })()
    this.server.catch(() => (this.server = null))
    return this.server
  }

  /** Starts an attempt (its secrets kept in this tab) and gives the IdP's authorization URL to go to. */
  async authorizationUrl(returnTo: string): Promise<URL> {
    const as = await this.discover()
    if (!as.authorization_endpoint) throw new OidcError('discovery-failed', 'The identity provider publishes no authorization endpoint.')
    const endpoint = safeEndpoint(as.authorization_endpoint, 'authorization')
    const attempt: OidcAttempt = {
      issuer: this.config.issuer,
      clientId: this.config.clientId,
      state: oauth.generateRandomState(),
      nonce: oauth.generateRandomNonce(),
      codeVerifier: oauth.generateRandomCodeVerifier(),
      returnTo: safeReturnPath(returnTo),
      startedAt: this.now(),
    }
    const url = endpoint
    url.searchParams.set('client_id', this.config.clientId)
    url.searchParams.set('redirect_uri', this.o.redirectUri)
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('scope', this.config.scope)
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(attempt.codeVerifier))
    url.searchParams.set('code_challenge_method', 'S256')
    url.searchParams.set('state', attempt.state)
    url.searchParams.set('nonce', attempt.nonce)
    // Some IdPs only issue a refresh token for offline_access when consent is asked for.
    if (this.config.scope.split(' ').includes('offline_access')) url.searchParams.set('prompt', 'consent')
    if (this.config.resource) url.searchParams.set('resource', this.config.resource)
    this.o.attempts.save(attempt)
    return url
  }

  /** Completes the attempt from the callback URL: checks it, exchanges the code, checks the ID token. */
  async finish(callbackUrl: URL): Promise<SignedIn> {
    const attempt = this.o.attempts.take()
    // The attempt's own checks first: a replayed or forged callback costs no request to the IdP.
    if (!attempt) checkCallback(callbackUrl, null, this.config, { issuer: this.config.issuer }, this.now())
    const as = await this.discover()
    const params = checkCallback(callbackUrl, attempt, this.config, as, this.now())
    const { codeVerifier, nonce, returnTo } = attempt!
    let result: oauth.TokenEndpointResponse
    try {
      const response = await oauth.authorizationCodeGrantRequest(as, this.client, this.clientAuth, params, this.o.redirectUri, codeVerifier, {
        ...this.http,
        ...(this.config.resource ? { additionalParameters: { resource: this.config.resource } } : {}),
      })
      await this.measureClock(response)
      result = await oauth.processAuthorizationCodeResponse(as, this.clientAt(), response, { expectedNonce: nonce, requireIdToken: true })
    } catch (e) {
      if (isClockFailure(e)) throw clockError(e, this.skewS)
      throw new OidcError('token-failed', `Signing in did not complete (${describe(e)}). Please sign in again.`, { cause: e })
    }
    const claims = oauth.getValidatedIdTokenClaims(result)!
    if (!USER_ID_PATTERN.test(claims.sub)) {
      throw new OidcError('bad-identity', `Your account id "${claims.sub.slice(0, 40)}" cannot be used with this app; ask your administrator.`)
    }
    const name = [claims['name'], claims['preferred_username']].find((v): v is string => typeof v === 'string' && v.trim() !== '')?.trim() ?? claims.sub
    return {
      returnTo,
      session: {
        userId: claims.sub,
        name,
        token: result.access_token,
        issuer: this.config.issuer,
        ...(result.refresh_token ? { refreshToken: result.refresh_token } : {}),
        ...(result.id_token ? { idToken: result.id_token } : {}),
      },
    }
  }

  /**
   * A new access token by the refresh_token grant. No refresh token, or one the IdP refuses
   * (invalid_grant: expired, revoked, the user's session ended): 'refresh-refused', sign in again.
   * The IdP refusing this app as a client: 'client-rejected', its set-up (signing in again would
   * not help). Anything else (network failures, timeouts, 5xx, 429, temporarily_unavailable, other
   * 4xx) is thrown as it is: asked again later.
   */
  async refresh(session: Session): Promise<RenewedTokens> {
    if (!session.refreshToken) throw new OidcError('refresh-refused', 'No refresh token: please sign in again.')
    const as = await this.discover()
    let result: oauth.TokenEndpointResponse
    try {
      const response = await oauth.refreshTokenGrantRequest(as, this.client, this.clientAuth, session.refreshToken, {
        ...this.http,
        ...(this.config.resource ? { additionalParameters: { resource: this.config.resource } } : {}),
      })
      // Measured before the ID token is checked: a device clock off would otherwise fail a response
      // whose rotated refresh token the IdP already counts as given, and the old one would be refused.
      await this.measureClock(response)
      result = await oauth.processRefreshTokenResponse(as, this.clientAt(), response)
    } catch (e) {
      if (e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant') {
        throw new OidcError('refresh-refused', `The identity provider refused to renew your sign-in (${describe(e)}).`, { cause: e })
      }
      if (e instanceof oauth.ResponseBodyError && (e.error === 'invalid_client' || e.error === 'unauthorized_client')) {
        throw new OidcError('client-rejected', `The identity provider does not accept this app's sign-in settings (${describe(e)}); ask your administrator.`, { cause: e })
      }
      if (isClockFailure(e)) throw clockError(e, this.skewS)
      throw e
    }
    const claims = oauth.getValidatedIdTokenClaims(result)
    if (claims && claims.sub !== session.userId) throw new OidcError('refresh-refused', 'The identity provider renewed the sign-in of another user.')
    return {
      token: result.access_token,
      // Not rotated: the one we have stays good.
      refreshToken: result.refresh_token ?? session.refreshToken,
      ...(result.id_token ?? session.idToken ? { idToken: result.id_token ?? session.idToken } : {}),
    }
  }

  /**
   * Revokes a refresh token at the IdP (RFC 7009), when it has a revocation_endpoint; false when it
   * has none. At sign-out: a refresh token for offline_access outlives the IdP's session (a
   * logout there leaves it valid), so one taken from this device would otherwise keep working.
   */
  async revokeRefreshToken(refreshToken: string): Promise<boolean> {
    const as = await this.discover()
    if (!as.revocation_endpoint) return false
    const response = await oauth.revocationRequest(as, this.client, this.clientAuth, refreshToken, {
      ...this.http,
      additionalParameters: { token_type_hint: 'refresh_token' },
    })
    await oauth.processRevocationResponse(response)
    return true
  }

  /** RP-initiated logout at the IdP, when it has an end_session_endpoint; null otherwise. */
  async endSessionUrl(idToken: string | undefined, postLogoutRedirectUri: string): Promise<URL | null> {
    const as = await this.discover()
    if (!as.end_session_endpoint) return null
    const url = safeEndpoint(as.end_session_endpoint, 'sign-out')
    if (idToken) url.searchParams.set('id_token_hint', idToken)
    url.searchParams.set('client_id', this.config.clientId)
    url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri)
    return url
  }
}

/** Where the browser may be sent: https:, or http: on this machine only (as the server allows http:// issuers). */
function safeEndpoint(href: string, what: string): URL {
  const url = URL.canParse(href) ? new URL(href) : null
  const local = url !== null && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url?.protocol === 'https:' || (url?.protocol === 'http:' && local)) return url
  throw new OidcError('unsafe-endpoint', `The identity provider's ${what} address is not a secure (https) one, so the app will not go there; ask your administrator.`)
}

const isClockFailure = (e: unknown): e is oauth.OperationProcessingError => e instanceof oauth.OperationProcessingError && e.code === oauth.JWT_TIMESTAMP_CHECK

const clockError = (e: oauth.OperationProcessingError, skewS: number): OidcError =>
  new OidcError('clock-off', `Your sign-in could not be checked because this device's clock seems to be wrong${Math.abs(skewS) >= 60 ? ` (about ${Math.round(Math.abs(skewS) / 60)} min ${skewS > 0 ? 'behind' : 'ahead'})` : ''}. Set the clock right (automatic time), then try again.`, { cause: e })

/** Issuers as URLs: 'https://idp.example.com' and 'https://idp.example.com/' are one (as discovery compares them). */
const sameUrl = (a: string, b: string): boolean => URL.canParse(a) && URL.canParse(b) && new URL(a).href === new URL(b).href

const describe = (e: unknown): string =>
  e instanceof oauth.ResponseBodyError ? `${e.error}${e.error_description ? `: ${e.error_description}` : ''}` : e instanceof Error ? e.message : String(e)
