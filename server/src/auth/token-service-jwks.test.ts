// Tokens from an outside identity provider, verified against its JWKS endpoint (a real HTTP
// server on loopback): accepted when signed with a published key; refused as bad or expired when
// the token is at fault; and when the endpoint fails, a TokenKeysUnavailableError, which the
// relay and the HTTP API turn into "try again later" rather than "not authenticated".
import { generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isAuthError } from './auth-error'
import { isTokenKeysUnavailable } from './token-keys-error'
import { createTokenService } from './token-service'
import { signWith, startJwksServer, type JwksServer } from '../testing/jwks-server'

const outcomeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p
    return 'verified'
  } catch (e) {
    if (isAuthError(e)) return e.code
    if (isTokenKeysUnavailable(e)) return e.code
    throw e
  }
}

describe('createTokenService with a JWKS endpoint', () => {
  let jwks: JwksServer
  beforeAll(async () => {
    jwks = await startJwksServer()
  })
  afterAll(() => jwks.stop())

  it('verifies a token signed with a published key, with the issuer and audience it requires', async () => {
    jwks.mode = 'keys'
    const tokens = createTokenService({ jwksUrl: jwks.url, issuer: 'https://id.example', audience: 'crm-sync' })
    const token = await jwks.sign('alice', { name: 'Alice', iss: 'https://id.example', aud: 'crm-sync' })
    expect(await tokens.verify(token)).toEqual({ userId: 'alice', name: 'Alice', expiresAt: expect.any(Number) as number })
    const wrongAudience = await jwks.sign('alice', { iss: 'https://id.example', aud: 'another-app' })
    expect(await outcomeOf(tokens.verify(wrongAudience))).toBe('bad-token')
  })

  it('refuses a forged, an expired and an HS256 token as the token\'s fault', async () => {
    jwks.mode = 'keys'
    const tokens = createTokenService({ jwksUrl: jwks.url })
    const forged = await signWith((await generateKeyPair('ES256')).privateKey, 'mallory')
    expect(await outcomeOf(tokens.verify(forged))).toBe('bad-token')
    const expired = await jwks.sign('alice', { exp: Math.floor(Date.now() / 1000) - 60 })
    expect(await outcomeOf(tokens.verify(expired))).toBe('expired')
    const hs256 = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setExpirationTime('1h')
      .sign(new TextEncoder().encode('a-secret-the-jwks-knows-nothing-of'))
    expect(await outcomeOf(tokens.verify(hs256))).toBe('bad-token')
  })

  it('reports an endpoint that fails, answers with no key set, or is gone as unavailable, not as a bad token', async () => {
    const token = await jwks.sign('alice')
    jwks.mode = 'server-error'
    expect(await outcomeOf(createTokenService({ jwksUrl: jwks.url }).verify(token))).toBe('auth-unavailable')
    jwks.mode = 'not-a-key-set'
    expect(await outcomeOf(createTokenService({ jwksUrl: jwks.url }).verify(token))).toBe('auth-unavailable')
    const gone = await startJwksServer()
    const goneUrl = gone.url
    await gone.stop()
    expect(await outcomeOf(createTokenService({ jwksUrl: goneUrl }).verify(token))).toBe('auth-unavailable')
  })

  /** A service on a clock of the test's: every check asks the endpoint (cache age 0) unless a fetch just failed. */
  const onClock = () => {
    const clock = { now: 1_000_000 }
    const tokens = createTokenService({
      jwksUrl: jwks.url,
      jwks: { cacheMaxAgeMs: 0, staleForMs: 60_000, retryFetchMs: 10_000, now: () => clock.now },
    })
    return { clock, tokens }
  }

  it('keeps verifying with the last key set fetched while the endpoint fails, for staleForMs', async () => {
    jwks.mode = 'keys'
    const { clock, tokens } = onClock()
    const token = await jwks.sign('alice')
    expect(await outcomeOf(tokens.verify(token))).toBe('verified')
    jwks.mode = 'server-error'
    const asked = jwks.requests
    clock.now += 59_000
    expect(await outcomeOf(tokens.verify(token))).toBe('verified')
    expect(jwks.requests).toBe(asked + 1) // it did try the endpoint first...
    clock.now += 500
    expect(await outcomeOf(tokens.verify(token))).toBe('verified')
    expect(jwks.requests).toBe(asked + 1) // ...and not again within retryFetchMs
    // The token's faults stay the token's: a forgery under the known kid, an algorithm the set
    // does not serve. Only a kid the old set lacks (rotated in during the outage) is not.
    const other = (await generateKeyPair('ES256')).privateKey
    expect(await outcomeOf(tokens.verify(await signWith(other, 'mallory')))).toBe('bad-token')
    const hs256 = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'test-key-1' }).setSubject('mallory').setExpirationTime('1h')
      .sign(new TextEncoder().encode('a-secret-the-jwks-knows-nothing-of'))
    expect(await outcomeOf(tokens.verify(hs256))).toBe('bad-token')
    expect(await outcomeOf(tokens.verify(await signWith(other, 'alice', {}, 'rotated-in-key')))).toBe('auth-unavailable')
    clock.now += 10_000 // past retryFetchMs, and the set is now older than staleForMs
    expect(await outcomeOf(tokens.verify(token))).toBe('auth-unavailable')
    expect(jwks.requests).toBe(asked + 2) // asked again: the stale set could not stand in
    jwks.mode = 'keys'
    clock.now += 10_000
    expect(await outcomeOf(tokens.verify(token))).toBe('verified')
  })

  it('does not stand in with a key the provider has removed since', async () => {
    jwks.mode = 'keys'
    const { clock, tokens } = onClock()
    const old = await jwks.sign('alice')
    expect(await outcomeOf(tokens.verify(old))).toBe('verified')
    await jwks.rotateKey() // the provider retires the key: a fresh set without it
    expect(await outcomeOf(tokens.verify(old))).toBe('bad-token') // fetched the new set, no match
    jwks.mode = 'server-error'
    clock.now += 1_000
    // Not verified: the stale set is the newest fetched, without the retired key. A kid the set
    // lacks might also be one rotated in during the outage, so it is "unavailable", not "bad".
    expect(await outcomeOf(tokens.verify(old))).toBe('auth-unavailable')
    expect(await outcomeOf(tokens.verify(await jwks.sign('alice')))).toBe('verified') // the new key stands in
  })

  it('asks a failing endpoint at most every retryFetchMs, with no set to fall back on too', async () => {
    jwks.mode = 'server-error'
    const { clock, tokens } = onClock()
    const token = await jwks.sign('alice')
    const asked = jwks.requests
    for (let i = 0; i < 5; i++) expect(await outcomeOf(tokens.verify(token))).toBe('auth-unavailable')
    expect(jwks.requests).toBe(asked + 1)
    jwks.mode = 'keys'
    expect(await outcomeOf(tokens.verify(token))).toBe('auth-unavailable') // not asked yet
    clock.now += 10_000
    expect(await outcomeOf(tokens.verify(token))).toBe('verified')
    expect(jwks.requests).toBe(asked + 2)
  })
})
