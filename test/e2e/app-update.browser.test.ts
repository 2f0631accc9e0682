// A new version of the app never reloads a page by itself: its service worker installs and waits,
// the open tabs show "A new version is ready" and keep what the rep is typing; Reload (after the
// open book is saved) loads the new version, in that tab only. Another tab then offers it too
// (the new service worker controls it already) and loads it on its own Reload. Before this, the
// app used vite-plugin-pwa's autoUpdate with skipWaiting, and every open tab reloaded mid-form.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { DESKTOP, openBook, signedIn, startApp, waitForBadge, whenServiceWorkerControls, goTo, type App, type UserPage } from './support/app'
import { describeBrowser } from './support/browser'
import { startVersionProxy, type VersionProxy } from './support/version-proxy'

const BOOK = 'north-territory'
const banner = (page: Page) => page.locator('crm-update-banner[kind="update"]')
const appVersion = (page: Page) => page.evaluate(() => document.querySelector('meta[name="app-version"]')?.getAttribute('content') ?? '1')

/** Marks the current document: the mark is gone once the page has reloaded. */
const markDocument = (page: Page) => page.evaluate(() => void ((window as unknown as { __sameDocument: boolean }).__sameDocument = true))
const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true)

/** Resolves 'banner' when the update banner shows, 'reloaded' if the page reloads first. */
const bannerOrReload = (page: Page): Promise<string> =>
  Promise.race([
    banner(page).waitFor({ timeout: 20_000 }).then(() => 'banner', () => 'no banner'),
    page.waitForEvent('load', { timeout: 20_000 }).then(() => 'reloaded', () => 'no load'),
  ])

describeBrowser('web app: a new version waits for the user', 120_000, () => {
  let app: App
  let proxy: VersionProxy
  let a: UserPage
  let other: Page

  beforeAll(async () => {
    app = await startApp()
    proxy = await startVersionProxy(app.server.url)
    // The proxy stands in for the server: it serves version 2 once published.
    a = await signedIn({ ...app, server: { ...app.server, url: proxy.url } }, 'alice', DESKTOP)
    await openBook(a.page, BOOK)
    await Promise.all([waitForBadge(a.page, 'synced'), whenServiceWorkerControls(a.page)])
    other = await a.context.newPage()
    await other.goto('/')
    await other.locator('crm-book-picker a.book').first().waitFor()
  })
  afterAll(async () => {
    await proxy?.close()
    await app?.close()
  })

  it('shows a banner instead of reloading, and the half-filled form is still there', async () => {
    await goTo(a.page, `/books/${BOOK}/new`)
    const name = a.page.locator('crm-new-customer input[name="name"]')
    const email = a.page.locator('crm-new-customer input[name="email"]')
    await name.fill('Half-filled Newco')
    await email.fill('not-an-email') // did not validate: only on screen
    await Promise.all([markDocument(a.page), markDocument(other)])
    expect(await appVersion(a.page)).toBe('1')

    proxy.publish('2')
    const seen = bannerOrReload(a.page)
    await a.page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())!.update()
    })
    expect(await seen).toBe('banner')
    await expect(banner(a.page).locator('.text').textContent()).resolves.toMatch(/new version is ready/i)
    // The new service worker waits; given time, nothing reloads.
    await expect.poll(() => a.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state ?? null)).toBe('installed')
    await a.page.waitForTimeout(1500)
    expect(await sameDocument(a.page)).toBe(true)
    expect(await name.inputValue()).toBe('Half-filled Newco')
    expect(await email.inputValue()).toBe('not-an-email')
    expect(await sameDocument(other)).toBe(true)
    await banner(other).waitFor()
  })

  it('can be dismissed', async () => {
    await other.locator('crm-update-banner[kind="update"] button.dismiss').click()
    await expect.poll(() => banner(other).count()).toBe(0)
    expect(await sameDocument(other)).toBe(true)
  })

  it('loads the new version on Reload, in that tab only', async () => {
    await Promise.all([a.page.waitForEvent('load'), a.page.locator('crm-update-banner[kind="update"] button.reload').click()])
    expect(await appVersion(a.page)).toBe('2')
    expect(await sameDocument(a.page)).toBe(false)
    await a.page.locator('crm-new-customer input[name="name"]').waitFor()
    expect(await a.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull()
    expect(await banner(a.page).count()).toBe(0)

    // The other tab is controlled by the new service worker now, but was not reloaded: it offers
    // the new version again (dismissed before), and loads it on its own Reload.
    await banner(other).waitFor()
    expect(await sameDocument(other)).toBe(true)
    await Promise.all([other.waitForEvent('load'), other.locator('crm-update-banner[kind="update"] button.reload').click()])
    expect(await appVersion(other)).toBe('2')
  })
})
