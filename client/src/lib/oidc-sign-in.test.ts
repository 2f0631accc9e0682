// The OpenID Connect client's own decisions, in Node with a stubbed IdP behind `fetch`: what a
// callback must match before its code is exchanged, the attempt kept per tab (taken once,
// malformed data ignored), what the authorization request carries, what a session keeps, and
// which refresh failures mean "sign in again".
import { createHash } from 'node:crypto'
import type { AuthorizationServer } from 'oauth4webapi'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { OidcConfig } from './auth-config'
import { ATTEMPT_MAX_AGE_MS, OidcAttemptStore, safeReturnPath, type OidcAttempt } from './oidc-attempt'
import { isOidcError, type OidcErrorCode } from './oidc-error'
import { checkCallback, OidcSignIn } from './oidc-sign-in'
import { memoryStorage } from '../testing/fake-api'

const ISSUER = 'https://idp.example.com'
const CONFIG: OidcConfig = { mode: 'oidc', issuer: ISSUER, clientId: 'crm-app', scope: 'openid profile offline_access', resource: 'https://crm.example.com/api' }
const AS: AuthorizationServer = { issuer: ISSUER, authorization_response_iss_parameter_supported: true }
const NOW = 1_800_000_000_000
const ATTEMPT: OidcAttempt = { issuer: ISSUER, clientId: 'crm-app', state: 'state-1', nonce: 'nonce-1', codeVerifier: 'v'.repeat(43), returnTo: '/books/b', startedAt: NOW - 1000 }
const REDIRECT = 'https://crm.example.com/auth/callback'

const callback = (params: Record<string, string>) => new URL(`${REDIRECT}?${new URLSearchParams(params)}`)
const codeOf = (f: () => unknown): OidcErrorCode | 'none' => {
  try {
    f()
  } catch (e) {
    if (isOidcError(e)) return e.code
    throw e
  }
  return 'none'
}

describe('checkCallback', () => {
  const check = (params: Record<string, string>, attempt: OidcAttempt | null = ATTEMPT, now = NOW) => () => checkCallback(callback(params), attempt, CONFIG, AS, now)

  it('gives the parameters of an answer to the attempt under way', () => {
    expect(check({ code: 'c1', state: 'state-1', iss: ISSUER })().get('code')).toBe('c1')
  })

  it.each<[string, Record<string, string>, OidcAttempt | null, number, OidcErrorCode]>([
    ['no attempt in this tab (replayed or never started)', { code: 'c1', state: 'state-1', iss: ISSUER }, null, NOW, 'no-attempt'],
    ['an attempt started too long ago', { code: 'c1', state: 'state-1', iss: ISSUER }, ATTEMPT, ATTEMPT.startedAt + ATTEMPT_MAX_AGE_MS + 1, 'stale-attempt'],
    ['an attempt from the future (a clock turned back)', { code: 'c1', state: 'state-1', iss: ISSUER }, ATTEMPT, ATTEMPT.startedAt - 120_000, 'stale-attempt'],
    ['an attempt at another issuer', { code: 'c1', state: 'state-1', iss: ISSUER }, { ...ATTEMPT, issuer: 'https://old-idp.example.com' }, NOW, 'issuer-changed'],
    ['an attempt for another client', { code: 'c1', state: 'state-1', iss: ISSUER }, { ...ATTEMPT, clientId: 'other' }, NOW, 'issuer-changed'],
    ['a wrong state', { code: 'c1', state: 'state-2', iss: ISSUER }, ATTEMPT, NOW, 'state-mismatch'],
    ['no state', { code: 'c1', iss: ISSUER }, ATTEMPT, NOW, 'state-mismatch'],
    ['a wrong state, whatever else it says', { error: 'access_denied', state: 'nope', iss: ISSUER }, ATTEMPT, NOW, 'state-mismatch'],
    ['access_denied', { error: 'access_denied', state: 'state-1', iss: ISSUER }, ATTEMPT, NOW, 'access-denied'],
    ['another error', { error: 'server_error', error_description: 'down', state: 'state-1', iss: ISSUER }, ATTEMPT, NOW, 'idp-error'],
    ['another issuer in iss (mix-up)', { code: 'c1', state: 'state-1', iss: 'https://evil.example.com' }, ATTEMPT, NOW, 'idp-error'],
    ['no iss where the IdP says it sends one', { code: 'c1', state: 'state-1' }, ATTEMPT, NOW, 'idp-error'],
    ['no code', { state: 'state-1', iss: ISSUER }, ATTEMPT, NOW, 'missing-code'],
    ['an empty code', { code: '', state: 'state-1', iss: ISSUER }, ATTEMPT, NOW, 'missing-code'],
  ])('refuses %s', (_what, params, attempt, now, code) => {
    expect(codeOf(check(params, attempt, now))).toBe(code)
  })

  it('says what the IdP said, in words', () => {
    expect(check({ error: 'access_denied', state: 'state-1', iss: ISSUER })).toThrow(/cancelled or refused/)
    expect(check({ error: 'server_error', error_description: 'down for maintenance', state: 'state-1', iss: ISSUER })).toThrow(/server_error: down for maintenance/)
    expect(check({ code: 'c', state: 'x', iss: ISSUER })).toThrow(/does not belong to the sign-in started here/)
  })
})

describe('OidcAttemptStore', () => {
  it('keeps one attempt, given once: a second take (a replayed callback) finds none', () => {
    const store = new OidcAttemptStore(memoryStorage())
    store.save(ATTEMPT)
    expect(store.take()).toEqual(ATTEMPT)
    expect(store.take()).toBeNull()
  })

  it.each([
    ['not JSON', '{"state":'],
    ['not an object', '"state-1"'],
    ['null', 'null'],
    ['a missing nonce', JSON.stringify({ ...ATTEMPT, nonce: undefined })],
    ['an empty verifier', JSON.stringify({ ...ATTEMPT, codeVerifier: '' })],
    ['a start that is no number', JSON.stringify({ ...ATTEMPT, startedAt: 'yesterday' })],
  ])('takes %s as no attempt, and removes it', (_what, raw) => {
    const storage = memoryStorage()
    storage.setItem('crm:oidc-attempt', raw)
    const store = new OidcAttemptStore(storage)
    expect(store.take()).toBeNull()
    expect(storage.getItem('crm:oidc-attempt')).toBeNull()
  })

  it('goes back only to paths of this app', () => {
    const storage = memoryStorage()
    storage.setItem('crm:oidc-attempt', JSON.stringify({ ...ATTEMPT, returnTo: 'https://evil.example.com/' }))
    expect(new OidcAttemptStore(storage).take()?.returnTo).toBe('/')
    for (const bad of ['//evil.example.com', '/\\evil.example.com', 'books', '/auth/callback', 'javascript:alert(1)']) expect(safeReturnPath(bad)).toBe('/')
    for (const good of ['/', '/books/b', '/books/b/customers/c?x=1']) expect(safeReturnPath(good)).toBe(good)
  })
})

/** A stand-in IdP: discovery, and a token endpoint answering what each test sets. */
interface FakeIdp {
  readonly requests: Array<{ url: string; body: URLSearchParams }>
  token: (body: URLSearchParams) => Response
  discovery: Record<string, unknown>
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
/** An ID token as the token endpoint returns it (its signature is TLS's to vouch for, not checked here). */
const idToken = (claims: Record<string, unknown>) =>
  `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: ISSUER, aud: 'crm-app', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300, ...claims })}.c2ln`

describe('OidcSignIn', () => {
  let idp: FakeIdp
  let storage: ReturnType<typeof memoryStorage>
  let signIn: OidcSignIn
  beforeEach(() => {
    idp = {
      requests: [],
      token: () => json(500, {}),
      discovery: {
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/auth`,
        token_endpoint: `${ISSUER}/token`,
        jwks_uri: `${ISSUER}/jwks`,
        end_session_endpoint: `${ISSUER}/session/end`,
        authorization_response_iss_parameter_supported: true,
      },
    }
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input)
      const body = new URLSearchParams(init?.body ? String(init.body) : '')
      idp.requests.push({ url, body })
      if (url === `${ISSUER}/.well-known/openid-configuration`) return json(200, idp.discovery)
      if (url === `${ISSUER}/token`) return idp.token(body)
      if (url === `${ISSUER}/revoke`) return new Response(null, { status: 200 })
      return json(404, {})
    })
    storage = memoryStorage()
    signIn = new OidcSignIn(CONFIG, { redirectUri: REDIRECT, attempts: new OidcAttemptStore(storage) })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  const startAttempt = async (returnTo = '/books/b') => {
    const url = await signIn.authorizationUrl(returnTo)
    const attempt = JSON.parse(storage.getItem('crm:oidc-attempt')!) as OidcAttempt
    return { url, attempt }
  }
  const answer = (attempt: OidcAttempt, extra: Record<string, string> = {}) => callback({ code: 'code-1', state: attempt.state, iss: ISSUER, ...extra })

  it('asks for a code with PKCE (S256), state, nonce and the resource, keeping the secrets in the tab', async () => {
    const { url, attempt } = await startAttempt()
    expect(`${url.origin}${url.pathname}`).toBe(`${ISSUER}/auth`)
    const p = url.searchParams
    expect(Object.fromEntries(p)).toMatchObject({
      client_id: 'crm-app', redirect_uri: REDIRECT, response_type: 'code', scope: CONFIG.scope, code_challenge_method: 'S256',
      state: attempt.state, nonce: attempt.nonce, resource: CONFIG.resource, prompt: 'consent',
    })
    expect(p.get('code_challenge')).toBe(createHash('sha256').update(attempt.codeVerifier).digest('base64url'))
    expect(p.has('code_verifier')).toBe(false)
    expect(attempt.codeVerifier.length).toBeGreaterThanOrEqual(43)
    expect(attempt).toMatchObject({ issuer: ISSUER, clientId: 'crm-app', returnTo: '/books/b' })
    // A second attempt has fresh secrets and replaces the first.
    const again = await startAttempt()
    expect(again.attempt.state).not.toBe(attempt.state)
    expect(again.attempt.codeVerifier).not.toBe(attempt.codeVerifier)
  })

  it('exchanges the code with the verifier and the resource, and keeps the user, the tokens and where to go', async () => {
    const { attempt } = await startAttempt()
    idp.token = () => json(200, {
      access_token: 'access-1', token_type: 'Bearer', expires_in: 300, refresh_token: 'refresh-1',
      id_token: idToken({ sub: 'erin', nonce: attempt.nonce, preferred_username: 'erin.f' }),
    })
    const { session, returnTo } = await signIn.finish(answer(attempt))
    expect(returnTo).toBe('/books/b')
    expect(session).toEqual({ userId: 'erin', name: 'erin.f', token: 'access-1', refreshToken: 'refresh-1', issuer: ISSUER, idToken: expect.any(String) })
    const exchange = idp.requests.find((r) => r.url === `${ISSUER}/token`)!.body
    expect(Object.fromEntries(exchange)).toMatchObject({
      grant_type: 'authorization_code', code: 'code-1', code_verifier: attempt.codeVerifier, redirect_uri: REDIRECT, client_id: 'crm-app', resource: CONFIG.resource,
    })
    // Used up: the same callback again signs nobody in, and asks the IdP nothing.
    const asked = idp.requests.length
    await expect(signIn.finish(answer(attempt))).rejects.toMatchObject({ code: 'no-attempt' })
    expect(idp.requests.length).toBe(asked)
  })

  it.each<[string, (a: OidcAttempt) => Record<string, unknown>, OidcErrorCode]>([
    ['an ID token for another nonce', () => ({ sub: 'erin', nonce: 'other' }), 'token-failed'],
    ['an ID token from another issuer', (a) => ({ sub: 'erin', nonce: a.nonce, iss: 'https://evil.example.com' }), 'token-failed'],
    ['an ID token for another client', (a) => ({ sub: 'erin', nonce: a.nonce, aud: 'other-app' }), 'token-failed'],
    ['a subject the server would refuse', (a) => ({ sub: 'erin field/1', nonce: a.nonce }), 'bad-identity'],
  ])('refuses %s', async (_what, claims, code) => {
    const { attempt } = await startAttempt()
    idp.token = () => json(200, { access_token: 'a', token_type: 'Bearer', id_token: idToken(claims(attempt)) })
    await expect(signIn.finish(answer(attempt))).rejects.toMatchObject({ code })
  })

  it('refuses a code the IdP does not take, and an answer with no ID token', async () => {
    let { attempt } = await startAttempt()
    idp.token = () => json(400, { error: 'invalid_grant', error_description: 'code expired' })
    await expect(signIn.finish(answer(attempt))).rejects.toMatchObject({ code: 'token-failed', message: expect.stringContaining('invalid_grant: code expired') })
    ;({ attempt } = await startAttempt())
    idp.token = () => json(200, { access_token: 'a', token_type: 'Bearer' })
    await expect(signIn.finish(answer(attempt))).rejects.toMatchObject({ code: 'token-failed' })
  })

  it('cannot start without the IdP: discovery failures say so, and are asked again next time', async () => {
    idp.discovery = { ...idp.discovery, issuer: 'https://evil.example.com' }
    await expect(signIn.authorizationUrl('/')).rejects.toMatchObject({ code: 'discovery-failed' })
    expect(storage.getItem('crm:oidc-attempt')).toBeNull()
    idp.discovery = { ...idp.discovery, issuer: ISSUER }
    await expect(signIn.authorizationUrl('/')).resolves.toBeInstanceOf(URL)
  })

  describe('refresh', () => {
    const session = { userId: 'erin', name: 'Erin', token: 'old', issuer: ISSUER, refreshToken: 'refresh-1', idToken: 'id-1' }

    it('renews with the refresh token and the resource, taking a rotated refresh token', async () => {
      idp.token = () => json(200, { access_token: 'access-2', token_type: 'Bearer', refresh_token: 'refresh-2' })
      expect(await signIn.refresh(session)).toEqual({ token: 'access-2', refreshToken: 'refresh-2', idToken: 'id-1' })
      const body = idp.requests.find((r) => r.url === `${ISSUER}/token`)!.body
      expect(Object.fromEntries(body)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: 'crm-app', resource: CONFIG.resource })
    })

    it('keeps the refresh token the IdP did not rotate', async () => {
      idp.token = () => json(200, { access_token: 'access-2', token_type: 'Bearer' })
      expect(await signIn.refresh(session)).toEqual({ token: 'access-2', refreshToken: 'refresh-1', idToken: 'id-1' })
    })

    it('asks to sign in again when the IdP answers invalid_grant, and only then', async () => {
      idp.token = () => json(400, { error: 'invalid_grant' })
      await expect(signIn.refresh(session)).rejects.toMatchObject({ code: 'refresh-refused' })
    })

    it.each([
      ['invalid_client', 401, { error: 'invalid_client' }],
      ['unauthorized_client', 400, { error: 'unauthorized_client' }],
    ])('says the app\'s set-up is wrong, not "sign in again", when the IdP answers %s', async (_what, status, body) => {
      idp.token = () => json(status, body)
      await expect(signIn.refresh(session)).rejects.toMatchObject({ code: 'client-rejected', message: expect.stringMatching(/ask your administrator/) })
    })

    it.each([
      ['429 slow_down', 429, { error: 'slow_down' }],
      ['400 temporarily_unavailable', 400, { error: 'temporarily_unavailable' }],
      ['400 invalid_scope', 400, { error: 'invalid_scope' }],
      ['400 invalid_request', 400, { error: 'invalid_request' }],
    ])('leaves %s for later (not "sign in again")', async (_what, status, body) => {
      idp.token = () => json(status, body)
      const error = await signIn.refresh(session).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect(isOidcError(error)).toBe(false)
    })

    it('asks to sign in again without a refresh token, asking the IdP nothing', async () => {
      await expect(signIn.refresh({ ...session, refreshToken: undefined })).rejects.toMatchObject({ code: 'refresh-refused' })
      expect(idp.requests).toEqual([])
    })

    it('leaves an IdP that is down or unreachable for later (not "sign in again")', async () => {
      idp.token = () => json(503, { error: 'temporarily_unavailable' })
      const down = await signIn.refresh(session).catch((e: unknown) => e)
      expect(isOidcError(down)).toBe(false)
      idp.token = () => {
        throw new TypeError('Failed to fetch')
      }
      const offline = await signIn.refresh(session).catch((e: unknown) => e)
      expect(isOidcError(offline, 'refresh-refused')).toBe(false)
    })
  })

  describe('with this device\'s clock two hours ahead of the IdP\'s', () => {
    const session = { userId: 'erin', name: 'Erin', token: 'old', issuer: ISSUER, refreshToken: 'refresh-1', idToken: 'id-1' }
    const AHEAD_S = 2 * 3600
    /** An ID token as the IdP issues it by its own clock: valid for five minutes from its "now". */
    const idpIdToken = (claims: Record<string, unknown>) => {
      const idpNow = Math.floor(Date.now() / 1000) - AHEAD_S
      return idToken({ iat: idpNow, exp: idpNow + 300, ...claims })
    }
    const withDate = (response: Response, ms = Date.now() - AHEAD_S * 1000) => {
      response.headers.set('date', new Date(ms).toUTCString())
      return response
    }
    const renewed = () => json(200, { access_token: 'access-2', token_type: 'Bearer', refresh_token: 'refresh-2', id_token: idpIdToken({ sub: 'erin' }) })

    it('takes the rotated refresh token, measuring the IdP\'s clock by the response\'s Date', async () => {
      idp.token = () => withDate(renewed())
      expect(await signIn.refresh(session)).toMatchObject({ token: 'access-2', refreshToken: 'refresh-2' })
    })

    it('takes the rotated refresh token where the browser may not read Date (another origin): the ID token\'s iat tells', async () => {
      idp.token = () => renewed()
      expect(await signIn.refresh(session)).toMatchObject({ token: 'access-2', refreshToken: 'refresh-2' })
    })

    it('signs in', async () => {
      const { attempt } = await startAttempt()
      idp.token = () => withDate(json(200, { access_token: 'access-1', token_type: 'Bearer', id_token: idpIdToken({ sub: 'erin', nonce: attempt.nonce }) }))
      expect((await signIn.finish(answer(attempt))).session.userId).toBe('erin')
    })

    it('says the clock is wrong where the times still do not check out', async () => {
      // The IdP's Date agrees with this device, yet its ID token expired two hours ago.
      idp.token = () => withDate(renewed(), Date.now())
      await expect(signIn.refresh(session)).rejects.toMatchObject({ code: 'clock-off', message: expect.stringMatching(/clock/) })
      const { attempt } = await startAttempt()
      idp.token = () => withDate(json(200, { access_token: 'a', token_type: 'Bearer', id_token: idpIdToken({ sub: 'erin', nonce: attempt.nonce }) }), Date.now())
      await expect(signIn.finish(answer(attempt))).rejects.toMatchObject({ code: 'clock-off' })
    })
  })

  describe('with an IdP that never answers', () => {
    /** A fetch that answers nothing, ever, and gives up only when its signal aborts (as browsers' fetch does). */
    const hanging = (hang: (url: string) => boolean) => async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input)
      if (!hang(url)) return url.endsWith('openid-configuration') ? json(200, idp.discovery) : json(404, {})
      return new Promise<Response>((_resolve, reject) => {
        if (!init?.signal) return // never: the test times out, which is the failure
        init.signal.addEventListener('abort', () => reject(init.signal!.reason))
      })
    }
    const quick = () => new OidcSignIn(CONFIG, { redirectUri: REDIRECT, attempts: new OidcAttemptStore(storage), requestTimeoutMs: 50 })

    it('gives up discovery', async () => {
      vi.stubGlobal('fetch', hanging(() => true))
      await expect(quick().authorizationUrl('/')).rejects.toMatchObject({ code: 'discovery-failed' })
    })

    it('gives up a refresh (asked again later, not "sign in again") and a code exchange', async () => {
      vi.stubGlobal('fetch', hanging((url) => url === `${ISSUER}/token`))
      const oidc = quick()
      const error = await oidc.refresh({ userId: 'erin', name: 'Erin', token: 'old', issuer: ISSUER, refreshToken: 'refresh-1' }).catch((e: unknown) => e)
      expect(error).toMatchObject({ name: 'TimeoutError' })
      const url = await oidc.authorizationUrl('/')
      await expect(oidc.finish(callback({ code: 'c', state: url.searchParams.get('state')!, iss: ISSUER }))).rejects.toMatchObject({ code: 'token-failed' })
    })
  })

  it.each([
    ['http: elsewhere than this machine', 'http://idp.example.com/auth', false],
    ['javascript:', 'javascript:alert(1)', false],
    ['data:', 'data:text/html,hi', false],
    ['https:', 'https://login.example.com/auth', true],
    ['http: on localhost', 'http://localhost:8080/auth', true],
    ['http: on 127.0.0.1', 'http://127.0.0.1:8080/auth', true],
    ['http: on [::1]', 'http://[::1]:8080/auth', true],
  ])('goes to an authorization or sign-out endpoint at %s: %s', async (_what, endpoint, allowed) => {
    idp.discovery = { ...idp.discovery, authorization_endpoint: endpoint, end_session_endpoint: endpoint }
    const start = signIn.authorizationUrl('/')
    const end = signIn.endSessionUrl('id-1', 'https://crm.example.com')
    if (allowed) {
      expect((await start).href.startsWith(endpoint)).toBe(true)
      expect((await end)!.href.startsWith(endpoint)).toBe(true)
    } else {
      await expect(start).rejects.toMatchObject({ code: 'unsafe-endpoint' })
      await expect(end).rejects.toMatchObject({ code: 'unsafe-endpoint' })
      expect(storage.getItem('crm:oidc-attempt')).toBeNull()
    }
  })

  it('signs out at the IdP where it has an end_session_endpoint', async () => {
    const url = (await signIn.endSessionUrl('id-1', 'https://crm.example.com'))!
    expect(`${url.origin}${url.pathname}`).toBe(`${ISSUER}/session/end`)
    expect(Object.fromEntries(url.searchParams)).toEqual({ id_token_hint: 'id-1', client_id: 'crm-app', post_logout_redirect_uri: 'https://crm.example.com' })
    delete idp.discovery['end_session_endpoint']
    const other = new OidcSignIn(CONFIG, { redirectUri: REDIRECT, attempts: new OidcAttemptStore(storage) })
    expect(await other.endSessionUrl('id-1', 'https://crm.example.com')).toBeNull()
  })

  describe('revoking the refresh token at sign-out', () => {
    it('posts it to the revocation endpoint, as a refresh token of this client', async () => {
      idp.discovery = { ...idp.discovery, revocation_endpoint: `${ISSUER}/revoke` }
      expect(await signIn.revokeRefreshToken('refresh-9')).toBe(true)
      const revoke = idp.requests.find((r) => r.url === `${ISSUER}/revoke`)
      expect(Object.fromEntries(revoke!.body)).toEqual({ token: 'refresh-9', token_type_hint: 'refresh_token', client_id: 'crm-app' })
    })

    it('asks nothing of an IdP without a revocation endpoint', async () => {
      expect(await signIn.revokeRefreshToken('refresh-9')).toBe(false)
      expect(idp.requests.map((r) => r.url)).toEqual([`${ISSUER}/.well-known/openid-configuration`])
    })
  })
})
