// HS256 tokens: issued and verified with the secret, refused with the reason when wrong, and the
// secret imported once for every token rather than once per token.
import { SignJWT } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { isAuthError } from './auth-error'
import { createTokenService } from './token-service'

const SECRET = new TextEncoder().encode('a-test-secret-of-at-least-32-bytes!!')

const reasonOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p
  } catch (e) {
    if (isAuthError(e)) return e.code
    throw e
  }
  throw new Error('verified')
}

describe('createTokenService', () => {
  afterEach(() => vi.restoreAllMocks())

  it('verifies the tokens it issues, importing the secret once for all of them', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey')
    const tokens = createTokenService({ secret: SECRET })
    const issued = await Promise.all(['alice', 'bob', 'carol'].map((userId) => tokens.issue({ userId, name: userId })))
    const identities = await Promise.all(issued.map((t) => tokens.verify(t)))
    expect(identities.map((i) => i.userId)).toEqual(['alice', 'bob', 'carol'])
    expect(importKey).toHaveBeenCalledTimes(1)
  })

  it('tells when the token expires, so the relay can close a socket opened with it then', async () => {
    const tokens = createTokenService({ secret: SECRET })
    const before = Math.floor(Date.now() / 1000)
    const identity = await tokens.verify(await tokens.issue({ userId: 'alice', name: 'Alice' }, 90))
    expect(identity.expiresAt! % 1000).toBe(0)
    expect(identity.expiresAt! / 1000 - before).toBeGreaterThanOrEqual(90)
    expect(identity.expiresAt! / 1000 - before).toBeLessThanOrEqual(91)
  })

  it('refuses a token signed with another secret, an expired one, and garbage', async () => {
    const tokens = createTokenService({ secret: SECRET })
    const other = createTokenService({ secret: new TextEncoder().encode('another-secret-of-at-least-32-bytes!!') })
    expect(await reasonOf(tokens.verify(await other.issue({ userId: 'mallory', name: 'm' })))).toBe('bad-token')
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(SECRET)
    expect(await reasonOf(tokens.verify(expired))).toBe('expired')
    expect(await reasonOf(tokens.verify('not.a.token'))).toBe('bad-token')
    expect(await reasonOf(tokens.verify('x'.repeat(9000)))).toBe('bad-token')
  })

  it('refuses every token when it has no secret, and cannot issue', async () => {
    const tokens = createTokenService({})
    const valid = await createTokenService({ secret: SECRET }).issue({ userId: 'alice', name: 'a' })
    expect(await reasonOf(tokens.verify(valid))).toBe('bad-token')
    await expect(tokens.issue({ userId: 'alice', name: 'a' })).rejects.toThrow(/no signing secret/)
  })
})
