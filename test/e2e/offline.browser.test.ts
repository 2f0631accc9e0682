// Offline first, end to end: a rep loses the network, edits three customers and creates one,
// reloads the page with no network (the service worker serves the app, IndexedDB the book),
// then comes back online; the badge goes offline -> connecting -> syncing -> synced and a colleague
// sees it all.
import { readCustomer } from '@crm-sync/model'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  badgeStates, customerIds, field, goTo, openBook, openCustomer, recordBadgeStates, setField, signedIn, startApp,
  waitForBadge, whenServiceWorkerControls, type App, type UserPage,
} from './support/app'
import { describeBrowser } from './support/browser'

const BOOK = 'north-territory'
const NEW_NAME = 'Offline Newco GmbH'

describeBrowser('web app: offline edits, reload from the service worker, sync on reconnect', 120_000, () => {
  let app: App
  let a: UserPage
  let b: UserPage
  let edited: string[]

  beforeAll(async () => {
    app = await startApp()
    edited = (await customerIds(app, BOOK)).slice(4, 7)
    a = await signedIn(app, 'alice')
    b = await signedIn(app, 'bob')
    await openBook(a.page, BOOK)
    await openBook(b.page, BOOK)
    await Promise.all([waitForBadge(a.page, 'synced'), waitForBadge(b.page, 'synced'), whenServiceWorkerControls(a.page)])
  })
  afterAll(async () => {
    await app?.close()
  })

  it('tells a first visit once the app works offline, then gets out of the way by itself', async () => {
    const context = await app.browser.newContext({ baseURL: app.server.url })
    try {
      const page = await context.newPage()
      await page.goto('/')
      const notice = page.locator('crm-update-banner[kind="offline-ready"]')
      await notice.waitFor({ timeout: 15_000 })
      expect(await notice.locator('.text').innerText()).toContain('Ready to work offline')
      await notice.waitFor({ state: 'detached', timeout: 15_000 })
      await page.reload() // cached already: not again
      await page.locator('crm-sign-in').waitFor()
      await page.waitForTimeout(1000)
      expect(await notice.count()).toBe(0)
    } finally {
      await context.close()
    }
  })

  it('is installable: a web manifest with PNG and SVG icons, and a service worker in control', async () => {
    const manifest = await a.page.evaluate(async () => {
      const href = document.querySelector('link[rel="manifest"]')?.getAttribute('href')
      return href ? ((await (await fetch(href)).json()) as { display: string; start_url: string; icons: Array<{ src: string; sizes: string; type: string }> }) : null
    })
    expect(manifest).toMatchObject({ display: 'standalone', start_url: '/' })
    expect(manifest!.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512', 'any']))
    for (const icon of manifest!.icons) {
      const res = await fetch(new URL(icon.src, app.server.url))
      expect([icon.src, res.status, res.headers.get('content-type')]).toEqual([icon.src, 200, expect.stringContaining(icon.type.split('+')[0]!)])
    }
    expect(await a.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/)
  })

  it('edits and creates offline, survives an offline reload, and syncs when back online', async () => {
    await a.context.setOffline(true)
    await waitForBadge(a.page, 'offline')

    for (const [i, id] of edited.entries()) {
      await openCustomer(a.page, BOOK, id)
      await setField(a.page, 'industry', `Offline edit ${i + 1}`)
    }
    await goTo(a.page, `/books/${BOOK}/new`)
    await a.page.locator('crm-new-customer input[name="name"]').fill(NEW_NAME)
    await a.page.locator('crm-new-customer input[name="email"]').fill('Hello@Offline-Newco.DE')
    await a.page.locator('crm-new-customer input[name="address.city"]').fill('Leipzig')
    await a.page.locator('crm-new-customer button[type="submit"]').click()
    await expect.poll(() => field(a.page, 'name').inputValue(), { timeout: 2000 }).toBe(NEW_NAME)
    expect(await field(a.page, 'email').inputValue()).toBe('hello@offline-newco.de')
    const pending = Number(await a.page.locator('crm-sync-badge .pending').getAttribute('data-pending'))
    expect(pending).toBeGreaterThanOrEqual(4)
    await expect.poll(() => a.page.locator('crm-sync-badge .pending').textContent()).toMatch(/changes? waiting/)

    // Nothing of it reached the server yet.
    const serverIndustry = (id: string) => app.server.books.read(BOOK, (doc) => readCustomer(doc, id)?.industry)
    expect(await serverIndustry(edited[0]!)).not.toBe('Offline edit 1')

    // Reload with no network: the service worker answers, IndexedDB has the book and the edits.
    const response = await a.page.reload()
    expect(response?.fromServiceWorker()).toBe(true)
    await expect.poll(() => field(a.page, 'name').inputValue(), { timeout: 5000 }).toBe(NEW_NAME)
    await waitForBadge(a.page, 'offline')
    for (const [i, id] of edited.entries()) {
      await openCustomer(a.page, BOOK, id)
      await expect.poll(() => field(a.page, 'industry').inputValue()).toBe(`Offline edit ${i + 1}`)
    }
    await expect.poll(() => a.page.locator('crm-sync-badge .pending').getAttribute('data-pending')).toBe(String(pending))

    // Back online: the badge walks offline -> syncing -> synced.
    await recordBadgeStates(a.page)
    await a.context.setOffline(false)
    await waitForBadge(a.page, 'synced', 15_000)
    expect(await badgeStates(a.page)).toEqual(['offline', 'connecting', 'syncing', 'synced'])
    await expect(a.page.locator('crm-sync-badge .pending').count()).resolves.toBe(0)

    // The colleague sees all of it.
    for (const [i, id] of edited.entries()) {
      await openCustomer(b.page, BOOK, id)
      await expect.poll(() => field(b.page, 'industry').inputValue(), { timeout: 5000 }).toBe(`Offline edit ${i + 1}`)
    }
    await goTo(b.page, `/books/${BOOK}`)
    await b.page.locator('crm-list-toolbar input[type="search"]').fill('offline newco')
    await expect.poll(() => b.page.locator('crm-customer-list a.row').count(), { timeout: 5000 }).toBe(1)
    await expect(b.page.locator('crm-customer-list a.row .name').textContent()).resolves.toBe(NEW_NAME)
    expect(await serverIndustry(edited[2]!)).toBe('Offline edit 3')
  })
})
