// The server's sign-in settings as the app reads them (GET /api/auth/config) and keeps them for an
// offline start: only well-formed answers count, a kept copy that is not one is ignored.
import { describe, expect, it } from 'vitest'
import { AuthConfigStore, fetchAuthConfig, parseAuthConfig } from './auth-config'
import { memoryStorage } from '../testing/fake-api'

const OIDC = { mode: 'oidc', issuer: 'https://idp.example.com', clientId: 'crm-app', scope: 'openid profile offline_access' } as const

describe('auth config', () => {
  it('reads dev, external and OpenID Connect settings (resource optional), nothing more', () => {
    expect(parseAuthConfig({ mode: 'dev' })).toEqual({ mode: 'dev' })
    expect(parseAuthConfig({ mode: 'external', issuer: 'x' })).toEqual({ mode: 'external' })
    expect(parseAuthConfig(OIDC)).toEqual(OIDC)
    expect(parseAuthConfig({ ...OIDC, resource: 'https://crm.example.com/api', extra: 1 })).toEqual({ ...OIDC, resource: 'https://crm.example.com/api' })
  })

  it.each([
    ['null', null],
    ['a string', 'oidc'],
    ['an unknown mode', { mode: 'saml' }],
    ['an issuer that is no URL', { ...OIDC, issuer: 'idp' }],
    ['no client id', { ...OIDC, clientId: '' }],
    ['no scope', { ...OIDC, scope: undefined }],
    ['a resource that is no URL', { ...OIDC, resource: 42 }],
  ])('refuses %s', (_what, value) => {
    expect(parseAuthConfig(value)).toBeNull()
  })

  it('keeps the settings on the device, and ignores a kept copy that is garbage', () => {
    const storage = memoryStorage()
    const store = new AuthConfigStore(storage)
    expect(store.load()).toBeNull()
    store.save(OIDC)
    expect(new AuthConfigStore(storage).load()).toEqual(OIDC)
    storage.setItem('crm:auth-config', '{"mode":')
    expect(store.load()).toBeNull()
    storage.setItem('crm:auth-config', '{"mode":"oidc","issuer":"nope"}')
    expect(store.load()).toBeNull()
  })

  it('asks the server, and throws on an answer it cannot use', async () => {
    const answer = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status })
    await expect(fetchAuthConfig(answer(200, OIDC))).resolves.toEqual(OIDC)
    await expect(fetchAuthConfig(answer(404, { error: { code: 'not-found' } }))).rejects.toThrow(/404/)
    await expect(fetchAuthConfig(answer(200, { mode: 'magic' }))).rejects.toThrow(/does not know/)
    await expect(fetchAuthConfig(async () => new Response('<html>', { status: 200 }))).rejects.toThrow()
  })
})
