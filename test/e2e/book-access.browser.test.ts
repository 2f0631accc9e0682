// A book opens only for its members, from their own book list, and with their role: the book's
// data on a shared device is not anyone's who has its URL, and a viewer never gets an editable
// screen, also while the list is still on its way or when it changes the role after the book opened.
import type { BrowserContext, Page, Route } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { customerIds, field, goTo, openBook, setMember, signIn, signOut, signedIn, startApp, waitForBadge, type App } from './support/app'
import { describeBrowser } from './support/browser'

const BOOK = 'north-territory' // alice owns it, dave views it, carol is no member

/** Holds the answers to GET /api/books until the returned function is called. */
async function holdBookList(context: BrowserContext): Promise<() => void> {
  let release = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  await context.route('**/api/books', async (route: Route) => {
    await released
    await route.continue()
  })
  return release
}

/** dave in a context without a service worker (it would answer before context.route could). */
async function daveSignedIn(app: App): Promise<{ context: BrowserContext; page: Page }> {
  const context = await app.browser.newContext({ baseURL: app.server.url, serviceWorkers: 'block' })
  const page = await context.newPage()
  page.on('pageerror', (e) => console.error('[dave page error]', e))
  await page.goto('/')
  await signIn(page, 'dave')
  return { context, page }
}

describeBrowser('web app: who may open a book, and how', 120_000, () => {
  let app: App
  let customerId: string

  beforeAll(async () => {
    app = await startApp()
    customerId = (await customerIds(app, BOOK))[0]!
  })
  afterAll(async () => {
    await app?.close()
  })

  it('after alice signs out, carol (no member) going back to alice\'s book sees no customers, only that she has no access', async () => {
    const { context, page } = await signedIn(app, 'alice')
    await openBook(page, BOOK)
    await waitForBadge(page, 'synced') // the book is on this device now
    await signOut(page)
    await signIn(page, 'carol')

    await page.goBack() // to alice's book
    expect(new URL(page.url()).pathname).toBe(`/books/${BOOK}`)
    await page.locator('crm-book-access[access="denied"]').waitFor({ timeout: 5000 })
    expect(await page.locator('crm-book-access h1').innerText()).toBe("You don't have access to this book")
    expect(await page.locator('crm-customer-list a.row').count()).toBe(0)

    await goTo(page, `/books/${BOOK}/customers/${customerId}`) // or the URL typed
    await page.locator('crm-book-access[access="denied"]').waitFor({ timeout: 5000 })
    await page.waitForTimeout(500)
    expect(await page.locator('crm-customer-detail').count()).toBe(0)
    expect(await page.locator('crm-customer-list a.row').count()).toBe(0)
    await context.close()
  })

  it('a viewer opening a customer by URL before the book list has answered gets read-only fields', async () => {
    const { context, page } = await daveSignedIn(app)
    await page.evaluate(() => localStorage.removeItem('crm:books:dave')) // as on a device that never had the list
    const release = await holdBookList(context)
    await page.reload()
    await goTo(page, `/books/${BOOK}/customers/${customerId}`)
    await page.locator('crm-book-access[access="checking"]').waitFor()
    await page.waitForTimeout(1500) // time enough to open the book and load it, were it opened
    expect(await page.locator('crm-customer-detail input[name="name"]').count()).toBe(0)

    release()
    await field(page, 'name').waitFor()
    await expect.poll(() => page.locator('crm-book-view .role').count()).toBe(1)
    expect(await field(page, 'name').isEditable()).toBe(false)
    await waitForBadge(page, 'synced')
    expect(await field(page, 'name').isEditable()).toBe(false)
    await context.close()
  })

  it('a role the book list changes after the book opened takes effect: editor kept on the device, viewer now', async () => {
    const { context, page } = await daveSignedIn(app)
    // The list kept on this device from when dave could still edit the book.
    await page.evaluate((book) => {
      const kept = JSON.parse(localStorage.getItem('crm:books:dave')!) as Array<{ id: string; role: string }>
      localStorage.setItem('crm:books:dave', JSON.stringify(kept.map((b) => (b.id === book ? { ...b, role: 'editor' } : b))))
    }, BOOK)
    const release = await holdBookList(context)
    await page.reload()
    await goTo(page, `/books/${BOOK}/customers/${customerId}`)
    await field(page, 'name').waitFor()
    await expect.poll(() => field(page, 'name').isEditable(), { timeout: 10_000 }).toBe(true) // as the kept list says, for now

    release() // the server's list: viewer
    await expect.poll(() => field(page, 'name').isEditable(), { timeout: 5000 }).toBe(false)
    expect(await page.locator('crm-book-view .role').count()).toBe(1)
    expect(await page.locator('crm-customer-detail button', { hasText: 'Archive' }).count()).toBe(0)
    await goTo(page, `/books/${BOOK}`)
    expect(await page.locator('crm-list-toolbar a', { hasText: 'New' }).count()).toBe(0)
    await context.close()
  })

  it('a rep removed from the book while it is open loses it at once; made a viewer, gets read-only screens at once', async () => {
    const { context, page } = await signedIn(app, 'bob')
    try {
      await openBook(page, BOOK)
      await waitForBadge(page, 'synced')
      await goTo(page, `/books/${BOOK}/customers/${customerId}`)
      await field(page, 'name').waitFor()
      await expect.poll(() => field(page, 'name').isEditable()).toBe(true)

      await members(BOOK, 'bob', 'PUT', 'viewer') // the relay tells bob's connection at once
      await expect.poll(() => field(page, 'name').isEditable(), { timeout: 5000 }).toBe(false)

      await members(BOOK, 'bob', 'DELETE')
      await page.locator('crm-book-access[access="denied"]').waitFor({ timeout: 5000 })
      expect(await page.locator('crm-customer-detail').count()).toBe(0)
    } finally {
      await members(BOOK, 'bob', 'PUT', 'editor')
      await context.close()
    }
  })

  it('a viewer made an editor while the book is open can edit at once, without a reload', async () => {
    const { context, page } = await signedIn(app, 'dave')
    try {
      await openBook(page, BOOK)
      await waitForBadge(page, 'synced')
      await goTo(page, `/books/${BOOK}/customers/${customerId}`)
      await field(page, 'name').waitFor()
      expect(await field(page, 'name').isEditable()).toBe(false)
      await members(BOOK, 'dave', 'PUT', 'editor') // the relay tells dave's connection at once
      await expect.poll(() => field(page, 'name').isEditable(), { timeout: 5000 }).toBe(true)
      expect(await page.locator('crm-book-view .role').count()).toBe(0)
    } finally {
      await members(BOOK, 'dave', 'PUT', 'viewer')
      await context.close()
    }
  })

  it('edits made offline by a rep made a viewer meanwhile are refused, shown as not saved, and the screens turn read-only', async () => {
    const KEY = 'key-accounts' // bob owns it, carol edits it
    const carolsCustomer = (await customerIds(app, KEY))[0]!
    const { context, page } = await signedIn(app, 'carol')
    try {
      await openBook(page, KEY)
      await waitForBadge(page, 'synced')
      await goTo(page, `/books/${KEY}/customers/${carolsCustomer}`)
      await field(page, 'name').waitFor()
      await context.setOffline(true)
      await field(page, 'industry').fill('Written offline before the demotion')
      await field(page, 'industry').press('Tab')
      await members(KEY, 'carol', 'PUT', 'viewer', 'bob')
      await context.setOffline(false)
      await expect.poll(() => page.locator('crm-sync-badge .detail').innerText(), { timeout: 10_000 }).toBe('1 change not saved: view only')
      await expect.poll(() => field(page, 'name').isEditable(), { timeout: 5000 }).toBe(false)
      expect(await app.server.books.read(KEY, (d) => JSON.stringify(d.toJSON()).includes('Written offline before the demotion'))).toBe(false)
    } finally {
      await members(KEY, 'carol', 'PUT', 'editor', 'bob')
      await context.close()
    }
  })

  /** An owner (alice of BOOK, bob of key-accounts) changes a membership through the API. */
  const members = (bookId: string, user: string, method: 'PUT' | 'DELETE', role?: string, owner = 'alice') =>
    setMember(app, bookId, user, method, role, owner)
})
