// A JWKS endpoint on 127.0.0.1 for tests of tokens signed by an outside identity provider: it
// publishes the public half of an ES256 key, signs tokens with the private half, and can be made
// to fail the way a real endpoint does (500, an answer that is not a key set, gone).
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose'

export type JwksMode = 'keys' | 'server-error' | 'not-a-key-set'

export interface JwksServer {
  readonly url: string
  /** How the endpoint answers from now on. */
  mode: JwksMode
  /** How long it takes to answer, ms (a slow identity provider). */
  delayMs: number
  /** Requests answered so far. */
  readonly requests: number
  /** A token signed with the published key (ES256, its kid), expiring in an hour unless `exp` says otherwise. */
  sign(subject: string, claims?: JWTPayload): Promise<string>
  /** Retires the key: a new one (new kid) is published and signs from now on; the old one is gone from the set. */
  rotateKey(): Promise<void>
  stop(): Promise<void>
}

const KID = 'test-key-1'

const newKey = async (kid: string) => {
  const { publicKey, privateKey } = await generateKeyPair('ES256')
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } }
}

export const startJwksServer = async (): Promise<JwksServer> => {
  let key = await newKey(KID)
  let rotations = 0
  let requests = 0
  const state = { mode: 'keys' as JwksMode, delayMs: 0 }
  const answer = (res: http.ServerResponse) => {
    if (state.mode === 'server-error') return res.writeHead(500).end('upstream is down')
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(state.mode === 'keys' ? JSON.stringify({ keys: [key.jwk] }) : JSON.stringify({ hello: 'world' }))
  }
  const server = http.createServer((_req, res) => {
    requests++
    if (state.delayMs > 0) setTimeout(answer, state.delayMs, res)
    else answer(res)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`
  return {
    url,
    get mode() {
      return state.mode
    },
    set mode(mode: JwksMode) {
      state.mode = mode
    },
    get delayMs() {
      return state.delayMs
    },
    set delayMs(ms: number) {
      state.delayMs = ms
    },
    get requests() {
      return requests
    },
    sign: (subject, claims = {}) => signWith(key.privateKey, subject, claims, key.kid),
    rotateKey: async () => {
      key = await newKey(`test-key-rotated-${++rotations}`)
    },
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/**
 * A token signed with `key` under `kid` (the published one by default): with another key, a
 * forgery the set does not verify; with another kid too, a key the set does not know (yet).
 */
export const signWith = (key: CryptoKey, subject: string, claims: JWTPayload = {}, kid = KID): Promise<string> =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 3600)
    .sign(key)
