// The environment is validated once at start: defaults, and a clear error naming every bad
// variable (the process then exits with code 2 before opening anything).
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { signInConfigOf } from './auth/sign-in-config'
import { ConfigError, loadConfig } from './config'
import { MAIN } from './testing/child-server'

describe('loadConfig', () => {
  it('fills the defaults the README lists, and treats empty strings as unset', () => {
    const config = loadConfig({ SHUTDOWN_CLOSE_GRACE_MS: '', PORT: '' })
    expect(config.PORT).toBe(8787)
    expect(config.SHUTDOWN_CLOSE_GRACE_MS).toBe(5_000)
    expect(config.BOOK_UNLOAD_GRACE_MS).toBe(10_000)
  })

  it('reads numbers within their range', () => {
    expect(loadConfig({ SHUTDOWN_CLOSE_GRACE_MS: '0' }).SHUTDOWN_CLOSE_GRACE_MS).toBe(0)
    expect(loadConfig({ SHUTDOWN_CLOSE_GRACE_MS: '60000' }).SHUTDOWN_CLOSE_GRACE_MS).toBe(60_000)
  })

  it.each([['soon'], ['-1'], ['60001'], ['2.5']])('refuses SHUTDOWN_CLOSE_GRACE_MS=%s, naming it', (value) => {
    expect(() => loadConfig({ SHUTDOWN_CLOSE_GRACE_MS: value })).toThrow(ConfigError)
    expect(() => loadConfig({ SHUTDOWN_CLOSE_GRACE_MS: value })).toThrow(/SHUTDOWN_CLOSE_GRACE_MS/)
  })

  it('reads PG_STATEMENT_TIMEOUT_MS (30 s unless set, 0 for none) and refuses a bad one', () => {
    expect(loadConfig({}).PG_STATEMENT_TIMEOUT_MS).toBe(30_000)
    expect(loadConfig({ PG_STATEMENT_TIMEOUT_MS: '0' }).PG_STATEMENT_TIMEOUT_MS).toBe(0)
    expect(loadConfig({ PG_STATEMENT_TIMEOUT_MS: '250' }).PG_STATEMENT_TIMEOUT_MS).toBe(250)
    for (const value of ['soon', '-1', '1.5', '2147483648']) {
      expect(() => loadConfig({ PG_STATEMENT_TIMEOUT_MS: value })).toThrow(/PG_STATEMENT_TIMEOUT_MS/)
    }
  })

  describe('OpenID Connect sign-in (AUTH_OIDC_*)', () => {
    const jwt = { AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'https://idp.example.com/jwks' }
    const pinned = { AUTH_JWT_ISSUER: 'https://idp.example.com', AUTH_JWT_AUDIENCE: 'https://crm.example.com/api' }
    const oidc = { ...jwt, ...pinned, AUTH_OIDC_ISSUER: 'https://idp.example.com', AUTH_OIDC_CLIENT_ID: 'crm-app' }
    const message = (env: Record<string, string>) => {
      try {
        loadConfig(env)
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError)
        return (e as Error).message
      }
      throw new Error('no ConfigError')
    }

    it('tells the app dev login, OIDC (default scope) or external tokens', () => {
      expect(signInConfigOf(loadConfig({}))).toEqual({ mode: 'dev' })
      expect(signInConfigOf(loadConfig(jwt))).toEqual({ mode: 'external' })
      expect(signInConfigOf(loadConfig(oidc))).toEqual({ mode: 'oidc', issuer: 'https://idp.example.com', clientId: 'crm-app', scope: 'openid profile offline_access' })
      expect(signInConfigOf(loadConfig({ ...oidc, AUTH_OIDC_SCOPE: 'openid email', AUTH_OIDC_RESOURCE: 'https://crm.example.com/api', AUTH_OIDC_ISSUER: 'http://127.0.0.1:9000/', AUTH_JWT_ISSUER: 'http://127.0.0.1:9000/' })))
        .toEqual({ mode: 'oidc', issuer: 'http://127.0.0.1:9000/', clientId: 'crm-app', scope: 'openid email', resource: 'https://crm.example.com/api' })
    })

    it('refuses it without AUTH_MODE=jwt, naming each variable', () => {
      const text = message({ AUTH_OIDC_ISSUER: 'https://idp.example.com', AUTH_OIDC_CLIENT_ID: 'crm-app', AUTH_OIDC_SCOPE: 'openid' })
      for (const name of ['AUTH_OIDC_ISSUER', 'AUTH_OIDC_CLIENT_ID', 'AUTH_OIDC_SCOPE']) expect(text).toContain(`${name}: ${name} needs AUTH_MODE=jwt`)
      expect(message({ AUTH_OIDC_RESOURCE: 'https://crm.example.com' })).toContain('AUTH_OIDC_RESOURCE needs AUTH_MODE=jwt')
    })

    it('refuses an issuer without a client id and the other way round', () => {
      expect(message({ ...jwt, AUTH_OIDC_ISSUER: 'https://idp.example.com' })).toContain('AUTH_OIDC_CLIENT_ID is needed')
      expect(message({ ...jwt, AUTH_OIDC_CLIENT_ID: 'crm-app' })).toContain('AUTH_OIDC_ISSUER is needed')
      expect(message({ ...jwt, AUTH_OIDC_RESOURCE: 'https://crm.example.com' })).toMatch(/AUTH_OIDC_ISSUER is needed[\s\S]*AUTH_OIDC_CLIENT_ID is needed/)
    })

    it("pins the server's token checks to the IdP and this API: keys, issuer and audience", () => {
      const { AUTH_JWT_ISSUER: _i, AUTH_JWT_AUDIENCE: _a, ...unpinned } = oidc
      const text = message(unpinned)
      expect(text).toContain('AUTH_JWT_ISSUER must be set to AUTH_OIDC_ISSUER')
      expect(text).toContain('AUTH_JWT_AUDIENCE (this API')
      expect(message({ ...oidc, AUTH_JWKS_URL: '', AUTH_JWT_SECRET: 'x'.repeat(32) })).toContain('AUTH_JWKS_URL (the IdP')
      expect(message({ ...oidc, AUTH_JWT_ISSUER: 'https://other.example.com' })).toContain('AUTH_JWT_ISSUER must be set to AUTH_OIDC_ISSUER')
      expect(message({ ...oidc, AUTH_JWT_AUDIENCE: 'crm-app' })).toContain('must not be the client id')
      expect(message({ ...oidc, AUTH_OIDC_RESOURCE: 'https://elsewhere.example.com' })).toContain('AUTH_OIDC_RESOURCE must be AUTH_JWT_AUDIENCE')
      // The same issuer written with a trailing slash is the same issuer.
      expect(() => loadConfig({ ...oidc, AUTH_JWT_ISSUER: 'https://idp.example.com/' })).not.toThrow()
    })

    it.each([
      ['AUTH_OIDC_ISSUER', 'https://admin:s3cret@idp.example.com', /no user name or password/],
      ['AUTH_OIDC_ISSUER', 'not a url', /AUTH_OIDC_ISSUER/],
      ['AUTH_OIDC_ISSUER', 'http://idp.example.com', /https:\/\/ URL/],
      ['AUTH_OIDC_ISSUER', 'https://idp.example.com/?tenant=1', /no query or fragment/],
      ['AUTH_OIDC_SCOPE', 'profile email', /must include openid/],
      ['AUTH_OIDC_SCOPE', 'openid  "profile"', /scope tokens/],
      ['AUTH_OIDC_RESOURCE', 'https://crm.example.com/api#x', /no fragment/],
      ['AUTH_OIDC_RESOURCE', 'crm-api', /AUTH_OIDC_RESOURCE/],
    ])('refuses %s=%s', (name, value, expected) => {
      expect(message({ ...oidc, [name]: value })).toMatch(expected)
    })
  })

  it('names every bad variable at once', () => {
    let message = ''
    try {
      loadConfig({ PORT: '70000', SHUTDOWN_CLOSE_GRACE_MS: 'x', LOG_LEVEL: 'loud' })
    } catch (e) {
      message = (e as Error).message
    }
    for (const name of ['PORT', 'SHUTDOWN_CLOSE_GRACE_MS', 'LOG_LEVEL']) expect(message).toContain(name)
  })

  it('stops the process with code 2 and the message, before opening anything', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, PORT: '0', DATA_DIR: '/nonexistent/never-created', SHUTDOWN_CLOSE_GRACE_MS: 'soon' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(2)
    expect(err).toContain('SHUTDOWN_CLOSE_GRACE_MS')
  })
})
