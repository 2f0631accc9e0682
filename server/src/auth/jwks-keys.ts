// The keys of an outside identity provider, from its JWKS endpoint (jose fetches the set, caches
// it for `cacheMaxAgeMs`, and fetches again for a token whose key it does not know). A failure
// that is not the token's (the fetch failed or timed out, the answer was not 200 or not a key
// set) does not stop verification at once: the last set fetched keeps verifying for
// `staleForMs`, as HTTP caches serve stale on error, so an outage of the provider shorter than
// that goes unnoticed. Once a fetch failed, the endpoint is asked again at most every
// `retryFetchMs`, with or without a set to fall back on, so a hanging endpoint does not hold
// check after check for jose's 5 s timeout and a failing one is not asked by every check. Past `staleForMs`, or
// for a key the stale set lacks, the failure is reported as TokenKeysUnavailableError ("try again
// later"), never as a bad token.
import { createLocalJWKSet, createRemoteJWKSet, errors, jwksCache, type ExportedJWKSCache, type JWTVerifyGetKey } from 'jose'
import { TokenKeysUnavailableError } from './token-keys-error'

export interface JwksKeysOptions {
  /** How long a fetched set is used before it is fetched again (jose's default: 10 minutes). */
  readonly cacheMaxAgeMs?: number
  /** How long the last set fetched may verify tokens while the endpoint fails. */
  readonly staleForMs?: number
  /** After a failed fetch, how long the endpoint is left alone (tokens are checked against the last set, if any). */
  readonly retryFetchMs?: number
  readonly now?: () => number
}

/** A day: long enough to ride out a provider's outage, short enough that a retired key stops working. */
export const DEFAULT_STALE_FOR_MS = 24 * 3600_000
/** Once a fetch failed, the endpoint is left alone this long: checks meanwhile use the last set, or fail at once. */
export const DEFAULT_RETRY_FETCH_MS = 5_000

/** Errors of a key look-up that are the token's: no key in the set matches it, or its algorithm. */
const isTokenKeyMismatch = (e: unknown): boolean =>
  e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys || e instanceof errors.JOSENotSupported

interface FetchFailure {
  readonly at: number
  readonly reason: string
  readonly cause: unknown
}

export const createJwksKeys = (url: string, opts: JwksKeysOptions = {}): JWTVerifyGetKey => {
  // jose writes every set it fetches, and when, into this object: the stale set is always the
  // newest one fetched (a key the provider removed is gone from it), not the last one that
  // happened to verify a token.
  const fetched: Partial<ExportedJWKSCache> = {}
  const remote = createRemoteJWKSet(new URL(url), {
    [jwksCache]: fetched as ExportedJWKSCache,
    ...(opts.cacheMaxAgeMs === undefined ? {} : { cacheMaxAge: opts.cacheMaxAgeMs }),
  })
  const staleForMs = opts.staleForMs ?? DEFAULT_STALE_FOR_MS
  const retryFetchMs = opts.retryFetchMs ?? DEFAULT_RETRY_FETCH_MS
  const now = opts.now ?? Date.now
  let last: { keys: JWTVerifyGetKey; fetchedAt: number; uat: number } | null = null
  let failure: FetchFailure | null = null

  /** Takes note of a set jose fetched since the last call (`uat` moved). */
  const noteFetched = (): void => {
    if (fetched.jwks && fetched.uat !== undefined && fetched.uat !== last?.uat) {
      last = { keys: createLocalJWKSet(fetched.jwks), fetchedAt: now(), uat: fetched.uat }
    }
  }

  /** Verifies against the last set fetched while the endpoint fails, or reports it unavailable. */
  const fromStale = async (failed: FetchFailure, header: Parameters<JWTVerifyGetKey>[0], token: Parameters<JWTVerifyGetKey>[1]) => {
    const set = last && now() - last.fetchedAt <= staleForMs ? last : null
    if (set) {
      try {
        return await set.keys(header, token)
      } catch (e) {
        // Only a key the set lacks may be the provider's fault (one rotated in during the outage);
        // an algorithm it does not support, or an ambiguous match, is the token's.
        if (!(e instanceof errors.JWKSNoMatchingKey)) throw e
      }
    }
    throw new TokenKeysUnavailableError(`the keys to verify tokens could not be fetched from ${url}: ${failed.reason}`, { cause: failed.cause })
  }

  return async (header, token) => {
    // Right after a failed fetch the endpoint is left alone: a hanging one would otherwise hold
    // every check for jose's 5 s timeout, one after another.
    const recent = failure
    if (recent && now() - recent.at < retryFetchMs) return fromStale(recent, header, token)
    try {
      const key = await remote(header, token)
      failure = null
      noteFetched()
      return key
    } catch (e) {
      noteFetched() // a fetch that succeeded but holds no key for this token still replaces the set
      if (isTokenKeyMismatch(e)) throw e
      const failed = { at: now(), reason: e instanceof Error ? e.message : String(e), cause: e }
      failure = failed
      return fromStale(failed, header, token)
    }
  }
}
