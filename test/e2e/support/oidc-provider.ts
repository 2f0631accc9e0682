// A real OpenID provider for the browser tests: panva's oidc-provider on 127.0.0.1 with its
// built-in (dev) login and consent pages, one public client (PKCE, no secret), refresh tokens
// (offline_access), and resource indicators, so the access token is a JWT for our API's audience.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'
import type { Page } from 'playwright-core'

export interface TestIdp {
  readonly issuer: string
  readonly jwksUrl: string
  /** How many refresh_token grants it answered with tokens. */
  readonly refreshes: () => number
  /** Registers the app (its origin is known only once it listens); the IdP answers from then on. */
  start(client: { appUrl: string; clientId: string; audience: string; apiScope: string; accessTokenTtlS: number }): void
  stop(): Promise<void>
}

/** Listens at once (the app's server needs the issuer's URL); answers once start() got the client. */
export async function listenIdp(): Promise<TestIdp> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(503).end('identity provider not started')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let refreshes = 0
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-key' }
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    refreshes: () => refreshes,
    start({ appUrl, clientId, audience, apiScope, accessTokenTtlS }) {
      const provider = new Provider(issuer, {
        clients: [{
          client_id: clientId,
          token_endpoint_auth_method: 'none',
          application_type: 'web',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: [`${appUrl}/auth/callback`],
          post_logout_redirect_uris: [appUrl],
        }],
        jwks: { keys: [jwk] },
        cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
        scopes: ['openid', 'profile', 'offline_access', apiScope],
        claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
        findAccount: (_ctx, sub) => ({
          accountId: sub,
          claims: () => ({ sub, name: `${sub[0]!.toUpperCase()}${sub.slice(1)} Field`, preferred_username: sub }),
        }),
        // The one resource server: our API, JWT access tokens for its audience, short-lived.
        features: {
          devInteractions: { enabled: true },
          resourceIndicators: {
            enabled: true,
            defaultResource: () => audience,
            useGrantedResource: () => true,
            getResourceServerInfo: (_ctx, resource) => {
              if (resource !== audience) throw new Error(`unknown resource ${resource}`)
              return { scope: apiScope, audience, accessTokenTTL: accessTokenTtlS, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }
            },
          },
          rpInitiatedLogout: { enabled: true },
          revocation: { enabled: true },
        },
        ttl: { RefreshToken: 3600, IdToken: 3600, Session: 3600, Grant: 3600, Interaction: 600, AuthorizationCode: 60 },
      })
      provider.on('grant.success', (ctx) => {
        if ((ctx.oidc.params as { grant_type?: string } | undefined)?.grant_type === 'refresh_token') refreshes++
      })
      const handle = provider.callback()
      server.removeAllListeners('request')
      server.on('request', handle)
    },
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

/** On the IdP's dev login and consent pages: signs in as `login` (any password) and consents. */
export async function signInAtIdp(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login)
  await page.locator('input[name="password"]').fill('any password')
  await page.locator('button[type="submit"]').click()
  await page.locator('button', { hasText: 'Continue' }).click()
}
