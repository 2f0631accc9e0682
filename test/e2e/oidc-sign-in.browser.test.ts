// Signing in with a real OpenID provider (oidc-provider, its own login and consent pages):
// Authorization Code with PKCE from the browser, a JWT access token for our API (resource
// indicator) that the server verifies against the IdP's JWKS, edits synced through the relay,
// and a short-lived access token renewed with the refresh token when the relay closes the socket
// at its expiry (4401). A callback with a state this tab did not send signs nobody in.
import { readCustomer } from '@crm-sync/model'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { readMetric } from '../../server/src/testing/server-metrics'
import { field, goTo, openBook, openCustomer, setField, startApp, waitForBadge, type App } from './support/app'
import { describeBrowser } from './support/browser'
import { listenIdp, signInAtIdp, type TestIdp } from './support/oidc-provider'

const CLIENT_ID = 'crm-app'
const AUDIENCE = 'https://crm-sync.test/api'
const API_SCOPE = 'crm'
// Short enough to expire during the test, long enough that a loaded CI machine does not let a token
// lapse between the app handing it out and the server checking it (the server allows no clock skew).
const ACCESS_TOKEN_TTL_S = 10
const BOOK = 'erins-book'

interface StoredSession { userId: string; name: string; token: string; refreshToken?: string; idToken?: string }

describeBrowser('web app: OpenID Connect sign-in', 120_000, () => {
  let idp: TestIdp
  let app: App
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    idp = await listenIdp()
    app = await startApp({
      AUTH_MODE: 'jwt',
      AUTH_JWKS_URL: idp.jwksUrl,
      AUTH_JWT_ISSUER: idp.issuer,
      AUTH_JWT_AUDIENCE: AUDIENCE,
      AUTH_OIDC_ISSUER: idp.issuer,
      AUTH_OIDC_CLIENT_ID: CLIENT_ID,
      AUTH_OIDC_SCOPE: `openid profile offline_access ${API_SCOPE}`,
      AUTH_OIDC_RESOURCE: AUDIENCE,
      DEV_SEED: 'false',
    })
    idp.start({ appUrl: app.server.url, clientId: CLIENT_ID, audience: AUDIENCE, apiScope: API_SCOPE, accessTokenTtlS: ACCESS_TOKEN_TTL_S })
  })
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await app?.close()
    await idp?.stop()
  })

  const newPage = async (): Promise<Page> => {
    const context = await app.browser.newContext({ baseURL: app.server.url, viewport: { width: 1280, height: 800 } })
    contexts.push(context)
    const page = await context.newPage()
    page.on('pageerror', (e) => console.error('[page error]', e))
    return page
  }
  const storedSession = (page: Page) =>
    page.evaluate(() => JSON.parse(localStorage.getItem('crm:session') ?? 'null') as StoredSession | null)
  /**
   * The page's current access token as the app hands it to its own REST calls (crm-app's
   * SessionController.getToken: the stored one, renewed first when it is about to expire), or,
   * `refused`, one renewed whatever the device's clock says. Read right before each call: a token
   * read earlier may have expired meanwhile on a slow machine.
   */
  const appToken = (page: Page, refused = false) =>
    page.evaluate(async (refused) => {
      const app = document.querySelector('crm-app') as unknown as { auth: { getToken(r?: { refused: boolean }): Promise<string> } }
      return app.auth.getToken(refused ? { refused } : undefined)
    }, refused)
  /** Our API with the page's token; a token that expired on the way is renewed by the app and the call made again, once. */
  const api = async (page: Page, path: string, init: { method?: string; json?: unknown } = {}) => {
    const call = async (token: string) => fetch(`${app.server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.json ? { 'content-type': 'application/json' } : {}) },
      ...(init.json ? { body: JSON.stringify(init.json) } : {}),
    })
    let res = await call(await appToken(page))
    // The server's errors are { error: { code, message } }.
    if (res.status === 401 && ((await res.clone().json()) as { error?: { code?: string } }).error?.code === 'expired') res = await call(await appToken(page, true))
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`)
    return res.json() as Promise<Record<string, unknown>>
  }
  const signInThroughIdp = async (page: Page, login: string) => {
    const button = page.locator('crm-sign-in button.oidc')
    await expect.poll(() => button.innerText()).toBe(`Sign in with ${new URL(idp.issuer).host}`)
    await button.click()
    await page.waitForURL((url) => url.origin === idp.issuer)
    await signInAtIdp(page, login)
  }
  let customerId = ''
  const expiredCloses = async () => (await readMetric(app.server.url, 'crm_relay_connections_closed_total{code="4401"}')) || 0
  const serverIndustry = () => app.server.books.read(BOOK, (d) => readCustomer(d, customerId)?.industry ?? '')

  it('signs in at the IdP, syncs edits with its access token, and keeps syncing past the token\'s expiry with the refresh token', async () => {
    const page = await newPage()
    await page.goto('/')
    await signInThroughIdp(page, 'erin')
    await page.locator('crm-book-picker').waitFor()
    // Back in the app at the route it started from, with no code left in the URL.
    expect(new URL(page.url()).pathname).toBe('/')
    expect(new URL(page.url()).search).toBe('')
    const session = (await storedSession(page))!
    expect(session).toMatchObject({ userId: 'erin', name: 'Erin Field' })
    expect(session.refreshToken).toBeTruthy()
    expect(session.idToken).toBeTruthy()
    // The access token is the IdP's JWT for our API, which the server takes.
    expect(await api(page, '/api/auth/me')).toEqual({ id: 'erin', name: 'erin' })

    // A book of hers with one customer (the app has no "new book" screen), then the app.
    await api(page, '/api/books', { method: 'POST', json: { id: BOOK, name: "Erin's book" } })
    customerId = String((await api(page, `/api/books/${BOOK}/customers`, { method: 'POST', json: { name: 'Harbour Supplies' } }))['id'])
    await page.locator('crm-book-picker button', { hasText: 'Refresh' }).click()
    await openBook(page, BOOK)
    await waitForBadge(page, 'synced')
    await openCustomer(page, BOOK, customerId)
    await setField(page, 'industry', 'Logistics')
    await expect.poll(serverIndustry, { timeout: 10_000 }).toBe('Logistics')
    const listed = await api(page, `/api/books/${BOOK}/customers`) as { customers: Array<{ id: string; industry?: string }> }
    expect(listed.customers.find((c) => c.id === customerId)?.industry).toBe('Logistics')

    // Past the first token's expiry: the relay closed the socket (4401), the app renewed it with
    // the refresh token, and edits keep syncing.
    const refreshesBefore = idp.refreshes()
    const expiredClosesBefore = await expiredCloses()
    await expect.poll(expiredCloses, { timeout: (ACCESS_TOKEN_TTL_S + 15) * 1000, interval: 500 }).toBeGreaterThan(expiredClosesBefore)
    await setField(page, 'industry', 'Logistics and storage')
    await expect.poll(serverIndustry, { timeout: 15_000 }).toBe('Logistics and storage')
    await waitForBadge(page, 'synced')
    expect(idp.refreshes()).toBeGreaterThan(refreshesBefore)
    const renewed = (await storedSession(page))!
    expect(renewed.userId).toBe('erin')
    expect(renewed.token).not.toBe(session.token)
    expect(await api(page, '/api/auth/me')).toEqual({ id: 'erin', name: 'erin' })
    expect(await field(page, 'industry').inputValue()).toBe('Logistics and storage')
    expect(await page.locator('crm-sign-in-again').count()).toBe(0)
  })

  it('asks to sign in again when the IdP refuses the refresh token, keeping the edits made meanwhile, and sends them once the user is back', async () => {
    expect(customerId).not.toBe('') // the first test made the book
    const page = await newPage()
    await page.goto(`/books/${BOOK}/customers/${customerId}`)
    await signInThroughIdp(page, 'erin')
    await field(page, 'industry').waitFor() // back where the user was going
    expect(new URL(page.url()).pathname).toBe(`/books/${BOOK}/customers/${customerId}`)
    await waitForBadge(page, 'synced')

    // A refresh token the IdP no longer takes (revoked, expired, its session ended).
    await page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('crm:session')!) as Record<string, unknown>
      localStorage.setItem('crm:session', JSON.stringify({ ...s, refreshToken: 'revoked-refresh-token' }))
    })
    await page.locator('crm-sign-in-again').waitFor({ timeout: (ACCESS_TOKEN_TTL_S + 15) * 1000 })
    // Still signed in on the device, the book still open and editable: the edit waits.
    await setField(page, 'industry', 'Cold chain')
    await expect.poll(() => page.locator('crm-sync-badge .detail').innerText()).toMatch(/sign in again to sync/)
    await page.waitForTimeout(500)
    expect(await serverIndustry()).toBe('Logistics and storage')
    expect(await field(page, 'industry').inputValue()).toBe('Cold chain')
    expect((await storedSession(page))?.userId).toBe('erin')

    await page.locator('crm-sign-in-again button').click()
    await page.waitForURL((url) => url.origin === idp.issuer)
    await page.locator('button', { hasText: 'Continue' }).click() // signed in at the IdP still: consent only
    await field(page, 'industry').waitFor()
    expect(new URL(page.url()).pathname).toBe(`/books/${BOOK}/customers/${customerId}`)
    await expect.poll(serverIndustry, { timeout: 15_000 }).toBe('Cold chain')
    await waitForBadge(page, 'synced')
    expect(await field(page, 'industry').inputValue()).toBe('Cold chain')
    expect(await page.locator('crm-sign-in-again').count()).toBe(0)
    expect((await storedSession(page))?.refreshToken).not.toBe('revoked-refresh-token')

    // Signing out revokes the refresh token and ends the session here and at the IdP (its
    // end_session_endpoint), then comes back.
    await goTo(page, '/')
    const { refreshToken } = (await storedSession(page))!
    await page.locator('crm-book-picker button', { hasText: 'Sign out' }).click()
    await page.waitForURL((url) => url.origin === idp.issuer)
    await page.locator('button[name="logout"]').click()
    await page.waitForURL((url) => url.origin === new URL(app.server.url).origin)
    expect(await storedSession(page)).toBeNull() // read on the app's origin (at the IdP's, localStorage is the IdP's)
    // A copy of the refresh token taken from the device no longer works (an offline_access one
    // outlives the IdP's session otherwise).
    const refused = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken!, client_id: CLIENT_ID }),
    })
    expect({ status: refused.status, error: ((await refused.json()) as { error?: string }).error }).toEqual({ status: 400, error: 'invalid_grant' })
    await page.locator('crm-sign-in button.oidc').click()
    await page.locator('input[name="login"]').waitFor() // the IdP asks who it is again
  })

  it('refuses a callback whose state this tab did not send: a clear message, nobody signed in', async () => {
    const page = await newPage()
    await page.goto('/')
    await page.locator('crm-sign-in button.oidc').click()
    await page.waitForURL((url) => url.origin === idp.issuer) // the attempt is under way
    await page.goto(`/auth/callback?code=stolen-code&state=forged-state&iss=${encodeURIComponent(idp.issuer)}`)
    const error = page.locator('crm-sign-in [role="alert"]')
    await expect.poll(() => error.innerText()).toMatch(/does not belong to the sign-in started here/)
    expect(new URL(page.url()).pathname).toBe('/')
    expect(new URL(page.url()).search).toBe('')
    expect(await storedSession(page)).toBeNull()
    expect(await page.locator('crm-sign-in button.oidc').isEnabled()).toBe(true)

    // The attempt is used up: replaying the callback (right state or not) signs nobody in either.
    await page.goto(`/auth/callback?code=stolen-code&state=forged-state&iss=${encodeURIComponent(idp.issuer)}`)
    await expect.poll(() => error.innerText()).toMatch(/not started here, or it was already used/)
    expect(await storedSession(page)).toBeNull()
  })
})
