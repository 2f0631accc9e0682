// The keys that verify tokens could not be had: the JWKS endpoint is down, too slow, or answers
// with something that is not a key set. Not the client's fault and not a bad token, so the HTTP
// API answers 503 and the relay closes with 1013 (try again later) rather than 401 / 4401, which
// would send clients to fetch new tokens, and after a few refusals stop.
export class TokenKeysUnavailableError extends Error {
  override readonly name = 'TokenKeysUnavailableError'
  readonly code = 'auth-unavailable' as const
}

export const isTokenKeysUnavailable = (e: unknown): e is TokenKeysUnavailableError => e instanceof TokenKeysUnavailableError
