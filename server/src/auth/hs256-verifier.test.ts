// The HS256 verifier decides every token as jose's jwtVerify does (the library it stands in for
// on the relay's hot path), including the ones crafted to slip through.
import { jwtVerify, SignJWT, type JWTPayload } from 'jose'
import { describe, expect, it } from 'vitest'
import { isAuthError } from './auth-error'
import { Hs256Verifier } from './hs256-verifier'

const SECRET = new TextEncoder().encode('a-test-secret-of-at-least-32-bytes!!')
const OTHER = new TextEncoder().encode('another-secret-of-at-least-32-bytes!')
const NOW = 1_800_000_000
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

const sign = (payload: JWTPayload, header: Record<string, unknown> = { alg: 'HS256' }, secret = SECRET) =>
  new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(secret)

/** A token with the given raw header and payload, signed over exactly those bytes with HMAC-SHA256. */
const handMade = async (header: unknown, payload: unknown): Promise<string> => {
  const input = `${b64(header)}.${b64(payload)}`
  const key = await crypto.subtle.importKey('raw', SECRET, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = Buffer.from(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input)))
  return `${input}.${mac.toString('base64url')}`
}

/** As handMade, with the payload's bytes as given (not JSON of a value). */
const handMadeRaw = async (header: unknown, payload: Buffer): Promise<string> => {
  const input = `${b64(header)}.${payload.toString('base64url')}`
  const key = await crypto.subtle.importKey('raw', SECRET, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = Buffer.from(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input)))
  return `${input}.${mac.toString('base64url')}`
}

const withOptions = { issuer: 'https://id.example', audience: 'crm-sync' }

const cases = async (): Promise<Array<[string, string, typeof withOptions | undefined]>> => {
  const valid = await sign({ sub: 'alice', exp: NOW + 60 })
  const [h, p, s] = valid.split('.') as [string, string, string]
  return [
    ['a valid token', valid, undefined],
    ['a token without exp', await sign({ sub: 'alice' }), undefined],
    ['an expired token', await sign({ sub: 'alice', exp: NOW - 1 }), undefined],
    ['a token expiring this second', await sign({ sub: 'alice', exp: NOW }), undefined],
    ['a token not valid yet', await sign({ sub: 'alice', nbf: NOW + 10 }), undefined],
    ['a token valid from this second', await sign({ sub: 'alice', nbf: NOW }), undefined],
    ['a string exp', await handMade({ alg: 'HS256' }, { sub: 'alice', exp: String(NOW + 60) }), undefined],
    ['a token signed with another secret', await sign({ sub: 'alice' }, { alg: 'HS256' }, OTHER), undefined],
    ['a tampered payload', `${h}.${b64({ sub: 'mallory', exp: NOW + 60 })}.${s}`, undefined],
    ['a truncated signature', `${h}.${p}.${s.slice(0, -2)}`, undefined],
    ['no signature', `${h}.${p}.`, undefined],
    ['alg none', `${b64({ alg: 'none' })}.${p}.`, undefined],
    ['HS512', await sign({ sub: 'alice' }, { alg: 'HS512' }), undefined],
    ['a critical header parameter', await handMade({ alg: 'HS256', crit: ['exp'], exp: 1 }, { sub: 'alice' }), undefined],
    ['a payload that is not an object', await handMade({ alg: 'HS256' }, [1, 2]), undefined],
    ['a payload that is not JSON', await handMade({ alg: 'HS256' }, 'not json'), undefined],
    ['a non-base64url character', `${h}.${p}.${s}*`, undefined],
    ['four parts', `${valid}.x`, undefined],
    ['a part whose length is 1 mod 4', `${h}.${p}.${s}A`.length % 4 === 1 ? `${h}.${p}.${s}A` : `${h}.${p}.${s}AA`, undefined],
    ['a payload that is not UTF-8', await handMadeRaw({ alg: 'HS256' }, Buffer.from([0x7b, 0x22, 0x73, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])), undefined],
    ['the right issuer and audience', await sign({ sub: 'alice', iss: withOptions.issuer, aud: ['x', 'crm-sync'] }), withOptions],
    ['another issuer', await sign({ sub: 'alice', iss: 'https://evil.example', aud: 'crm-sync' }), withOptions],
    ['another audience', await sign({ sub: 'alice', iss: withOptions.issuer, aud: 'other' }), withOptions],
    ['no audience', await sign({ sub: 'alice', iss: withOptions.issuer }), withOptions],
    ['an expired token from another issuer', await sign({ sub: 'alice', iss: 'https://evil.example', aud: 'crm-sync', exp: NOW - 1 }), withOptions],
    ['a token neither valid yet nor unexpired', await sign({ sub: 'alice', nbf: NOW + 10, exp: NOW - 1 }), undefined],
  ]
}

const joseSays = async (token: string, options?: typeof withOptions): Promise<string> => {
  try {
    await jwtVerify(token, SECRET, { algorithms: ['HS256'], currentDate: new Date(NOW * 1000), ...options })
    return 'ok'
  } catch (e) {
    return (e as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'bad-token'
  }
}

const oursSays = (token: string, options?: typeof withOptions): string => {
  try {
    new Hs256Verifier(SECRET, options).verify(token, NOW)
    return 'ok'
  } catch (e) {
    if (isAuthError(e)) return e.code
    throw e
  }
}

describe('Hs256Verifier', () => {
  it('accepts and refuses exactly the tokens jose does, with the same reason', async () => {
    const all = await cases()
    const verdicts = await Promise.all(all.map(async ([what, token, options]) => [what, await joseSays(token, options), oursSays(token, options)]))
    for (const [what, jose, ours] of verdicts) expect({ what, verdict: ours }).toEqual({ what, verdict: jose })
    // The cases cover both outcomes and both reasons.
    expect(new Set(verdicts.map(([, jose]) => jose))).toEqual(new Set(['ok', 'bad-token', 'expired']))
  })

  it('returns the claims of a valid token', async () => {
    const payload = new Hs256Verifier(SECRET).verify(await sign({ sub: 'alice', name: 'Alice', exp: NOW + 60 }), NOW)
    expect(payload).toMatchObject({ sub: 'alice', name: 'Alice' })
  })

  it('needs a secret', () => {
    expect(() => new Hs256Verifier(new Uint8Array())).toThrow(/needs a secret/)
  })
})
