// The keys of an outside identity provider, from its JWKS endpoint (jose fetches the set, caches
// it for `cacheMaxAgeMs`, and fetches again for a token whose key it does not know). A failure
// that is not the token's (the fetch failed or timed out, the answer was not 200 or not a key
// set) does not stop verification at once: the last set fetched keeps verifying for
// `staleForMs`, as HTTP caches serve stale on error, so an outage of the provider shorter than
// that goes unnoticed; meanwhile the endpoint is asked again at most every `retryFetchMs`, so a
// hanging endpoint does not hold every connection for jose's 5 s timeout. Past `staleForMs`, or
// for a key the stale set lacks, the failure is reported as TokenKeysUnavailableError ("try again
// later"), never as a bad token.
import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'
import { TokenKeysUnavailableError } from './token-keys-error'

export interface JwksKeysOptions {
  /** How long a fetched set is used before it is fetched again (jose's default: 10 minutes). */
  readonly cacheMaxAgeMs?: number
  /** How long the last set fetched may verify tokens while the endpoint fails. */
  readonly staleForMs?: number
  /** After a failed fetch, how long tokens are verified with the last set without asking again. */
  readonly retryFetchMs?: number
  readonly now?: () => number
}

/** A day: long enough to ride out a provider's outage, short enough that a retired key stops working. */
export const DEFAULT_STALE_FOR_MS = 24 * 3600_000
/** jose's own cool-down between fetches for unknown keys. */
export const DEFAULT_RETRY_FETCH_MS = 30_000

/** Errors of a key look-up that are the token's: no key in the set matches it, or its algorithm. */
const isTokenKeyMismatch = (e: unknown): boolean =>
  e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys || e instanceof errors.JOSENotSupported

export const createJwksKeys = (url: string, opts: JwksKeysOptions = {}): JWTVerifyGetKey => {
  const remote = createRemoteJWKSet(new URL(url), opts.cacheMaxAgeMs === undefined ? {} : { cacheMaxAge: opts.cacheMaxAgeMs })
  const staleForMs = opts.staleForMs ?? DEFAULT_STALE_FOR_MS
  const retryFetchMs = opts.retryFetchMs ?? DEFAULT_RETRY_FETCH_MS
  const now = opts.now ?? Date.now
  let last: { set: JSONWebKeySet; keys: JWTVerifyGetKey; fetchedAt: number } | null = null
  let failure: { at: number; reason: string; cause: unknown } | null = null

  /** The last set, while it may stand in for the endpoint; null once it is too old. */
  const stale = () => (last && now() - last.fetchedAt <= staleForMs ? last : null)

  const fromStale: JWTVerifyGetKey = async (header, token) => {
    const set = stale()
    if (set) {
      try {
        return await set.keys(header, token)
      } catch (e) {
        // A key the last set lacks may be a new one the provider rotated in: not the token's fault.
        if (!isTokenKeyMismatch(e)) throw e
      }
    }
    throw new TokenKeysUnavailableError(`the keys to verify tokens could not be fetched from ${url}: ${failure!.reason}`, { cause: failure!.cause })
  }

  return async (header, token) => {
    if (failure && stale() && now() - failure.at < retryFetchMs) return fromStale(header, token)
    try {
      const key = await remote(header, token)
      failure = null
      const set = remote.jwks()
      if (set && set !== last?.set) last = { set, keys: createLocalJWKSet(set), fetchedAt: now() }
      return key
    } catch (e) {
      if (isTokenKeyMismatch(e)) throw e
      failure = { at: now(), reason: e instanceof Error ? e.message : String(e), cause: e }
      return fromStale(header, token)
    }
  }
}
