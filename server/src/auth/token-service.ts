// Verifies JWTs (HS256 secret or a JWKS endpoint) with jose, and in dev mode also issues them.
import { errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose'
import { AuthError } from './auth-error'
import { Hs256Verifier } from './hs256-verifier'
import { createJwksKeys, type JwksKeysOptions } from './jwks-keys'
import { TokenKeysUnavailableError } from './token-keys-error'
import { USER_ID_PATTERN, type Identity } from './identity'

export interface TokenServiceOptions {
  /** HS256 secret (at least 32 bytes). Needed to issue tokens (dev login, services). */
  readonly secret?: Uint8Array
  readonly jwksUrl?: string
  /** How the JWKS endpoint's keys are cached (jwks-keys.ts); defaults suit production. */
  readonly jwks?: JwksKeysOptions
  readonly issuer?: string
  readonly audience?: string
  /** Lifetime of issued tokens, seconds. */
  readonly ttlSeconds?: number
}

export interface TokenService {
  verify(token: string): Promise<Identity>
  /** Issues a token for the identity; throws if this service has no secret. */
  issue(identity: Identity, ttlSeconds?: number): Promise<string>
}

const identityOf = (payload: JWTPayload): Identity => {
  const userId = payload.sub
  if (typeof userId !== 'string' || !USER_ID_PATTERN.test(userId)) {
    throw new AuthError('bad-token', 'token has no usable subject')
  }
  const name = typeof payload['name'] === 'string' && payload['name'].trim() ? payload['name'].trim().slice(0, 100) : userId
  return typeof payload.exp === 'number' ? { userId, name, expiresAt: payload.exp * 1000 } : { userId, name }
}

export const createTokenService = (opts: TokenServiceOptions): TokenService => {
  const ttl = opts.ttlSeconds ?? 12 * 3600
  const jwks: JWTVerifyGetKey | undefined = opts.jwksUrl ? createJwksKeys(opts.jwksUrl, opts.jwks) : undefined
  const verifyOptions = {
    ...(opts.issuer ? { issuer: opts.issuer } : {}),
    ...(opts.audience ? { audience: opts.audience } : {}),
  }

  // Every socket that connects verifies a token: HS256 ones with node:crypto (hs256-verifier.ts
  // says why not jose), JWKS-signed ones with jose.
  const hs256 = opts.secret && opts.secret.length > 0 ? new Hs256Verifier(opts.secret, verifyOptions) : null
  // jose imports a secret given as bytes into a CryptoKey on every call: import it once to sign.
  let signingKey: Promise<CryptoKey> | null = null
  const secretKey = (secret: Uint8Array): Promise<CryptoKey> =>
    (signingKey ??= crypto.subtle.importKey('raw', Uint8Array.from(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']))

  return {
    async verify(token) {
      if (!token || token.length > 8192) throw new AuthError('bad-token', 'token missing or too long')
      try {
        if (!jwks && !hs256) throw new AuthError('bad-token', 'no key to verify tokens with')
        const payload = jwks ? (await jwtVerify(token, jwks, verifyOptions)).payload : hs256!.verify(token)
        return identityOf(payload)
      } catch (e) {
        if (e instanceof AuthError || e instanceof TokenKeysUnavailableError) throw e
        if (e instanceof errors.JWTExpired) throw new AuthError('expired', 'token expired', { cause: e })
        throw new AuthError('bad-token', 'token could not be verified', { cause: e })
      }
    },
    async issue(identity, ttlSeconds = ttl) {
      if (!opts.secret) throw new Error('this token service has no signing secret')
      let jwt = new SignJWT({ name: identity.name })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(identity.userId)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      if (opts.issuer) jwt = jwt.setIssuer(opts.issuer)
      if (opts.audience) jwt = jwt.setAudience(opts.audience)
      return jwt.sign(await secretKey(opts.secret))
    },
  }
}
