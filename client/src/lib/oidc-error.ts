// Why an OpenID Connect sign-in or renewal did not give a session, as a code the sign-in screen
// turns into a message, and whether only signing in again helps.
export const OIDC_ERROR_CODES = [
  'no-attempt', // a callback this tab did not start, or one already used (a replay, the back button)
  'stale-attempt', // started too long ago
  'state-mismatch',
  'access-denied', // the user (or the IdP's policy) said no
  'idp-error', // any other error the IdP redirected back with
  'missing-code',
  'issuer-changed', // the server's settings changed between start and callback
  'bad-identity', // a subject the server would not take as a user id
  'discovery-failed',
  'token-failed', // the code exchange or the ID token did not check out
  'refresh-refused', // no refresh token, or the IdP refused it (invalid_grant): sign in again
  'client-rejected', // the IdP does not take this app as a client (invalid_client, unauthorized_client): its set-up, not the user
  'clock-off', // an ID token's times did not check out against this device's clock, even allowing for the skew measured
  'unsafe-endpoint', // discovery named an endpoint that is not https: (http: only on this machine)
] as const
export type OidcErrorCode = (typeof OIDC_ERROR_CODES)[number]

export class OidcError extends Error {
  override readonly name = 'OidcError'
  constructor(readonly code: OidcErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

export const isOidcError = (e: unknown, code?: OidcErrorCode): e is OidcError =>
  e instanceof OidcError && (code === undefined || e.code === code)
