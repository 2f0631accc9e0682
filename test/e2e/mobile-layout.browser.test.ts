// Mobile first, checked: at 375 × 667 every screen fits without sideways scrolling, controls are
// at least 44 × 44 px, form controls have labels, and the list works from the keyboard.
// Screenshots land in $E2E_SCREENSHOT_DIR (default /tmp/crm-e2e) for a human look.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { DESKTOP, customerIds, goTo, openBook, openCustomer, signedIn, startApp, waitForBadge, type App, type UserPage } from './support/app'
import { describeBrowser } from './support/browser'
import { checkLayout } from './support/layout'

const BOOK = 'north-territory'
const SHOTS = process.env['E2E_SCREENSHOT_DIR'] ?? '/tmp/crm-e2e'

async function expectMobileFriendly(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) })
  const report = await checkLayout(page)
  expect(report.pageOverflow, `${name}: page scrolls sideways`).toBe(false)
  expect(report.outside, `${name}: elements past the screen edge`).toEqual([])
  expect(report.smallTargets, `${name}: touch targets under 44 px`).toEqual([])
  expect(report.unlabelled, `${name}: controls without a label`).toEqual([])
}

/** The element that has the keyboard focus, through shadow roots. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el: Element | null = document.activeElement
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement
    return el ? { tag: el.tagName.toLowerCase(), index: el.getAttribute('data-index'), id: el.id } : null
  })

describeBrowser('web app: mobile layout at 375 × 667 and keyboard use', 120_000, () => {
  let app: App
  let a: UserPage
  let ids: string[]

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    app = await startApp()
    ids = await customerIds(app, BOOK)
    const context = await app.browser.newContext({ baseURL: app.server.url, viewport: { width: 375, height: 667 }, hasTouch: true })
    const page = await context.newPage()
    await page.goto('/')
    await page.locator('crm-sign-in button[data-user]').first().waitFor()
    await expectMobileFriendly(page, 'mobile-sign-in')
    await context.close()
    a = await signedIn(app, 'alice')
  })
  afterAll(async () => {
    await app?.close()
  })

  it('book picker and customer list fit the phone', async () => {
    await expectMobileFriendly(a.page, 'mobile-books')
    await openBook(a.page, BOOK)
    await waitForBadge(a.page, 'synced')
    await expectMobileFriendly(a.page, 'mobile-list')
  })

  it('customer detail fits the phone, all the way down', async () => {
    await openCustomer(a.page, BOOK, ids[0]!)
    await expectMobileFriendly(a.page, 'mobile-detail')
    // Scroll the detail to its contacts, deals and activity log.
    for (const section of ['crm-contact-list', 'crm-deal-list', 'crm-activity-log']) {
      await a.page.locator(section).scrollIntoViewIfNeeded()
      await expectMobileFriendly(a.page, `mobile-detail-${section.replace('crm-', '')}`)
    }
  })

  it('new customer and import screens fit the phone', async () => {
    await goTo(a.page, `/books/${BOOK}/new`)
    await a.page.locator('crm-new-customer input[name="name"]').waitFor()
    await a.page.locator('crm-new-customer input[name="email"]').fill('not-an-email')
    await a.page.locator('crm-new-customer input[name="name"]').focus()
    await expectMobileFriendly(a.page, 'mobile-new-customer')
    await goTo(a.page, `/books/${BOOK}/import`)
    await a.page.locator('crm-import-view input[type="file"]').waitFor()
    await expectMobileFriendly(a.page, 'mobile-import')
  })

  it('moves through the list with the arrow keys and opens a customer with Enter', async () => {
    await goTo(a.page, `/books/${BOOK}`)
    await a.page.locator('crm-list-toolbar input[type="search"]').focus()
    // Rows off screen are rendered first, then focused: poll rather than read at once.
    const focusedRow = () => focused(a.page).then((f) => (f?.tag === 'a' ? f.index : null))
    await a.page.keyboard.press('ArrowDown')
    await expect.poll(focusedRow).toBe('0')
    await a.page.keyboard.press('ArrowDown')
    await a.page.keyboard.press('ArrowDown')
    await expect.poll(focusedRow).toBe('2')
    await a.page.keyboard.press('End')
    await expect.poll(focusedRow).toBe(String(ids.length - 1))
    await a.page.keyboard.press('Home')
    await expect.poll(focusedRow).toBe('0')
    await a.page.keyboard.press('ArrowDown')
    await expect.poll(focusedRow).toBe('1')
    const id = await a.page.locator('crm-customer-list a.row[data-index="1"]').getAttribute('data-id')
    await a.page.keyboard.press('Enter')
    await a.page.locator('crm-customer-detail input[name="name"]').waitFor()
    expect(new URL(a.page.url()).pathname).toBe(`/books/${BOOK}/customers/${id}`)
  })

  it('shows list and detail side by side on a desktop', async () => {
    const d = await signedIn(app, 'bob', DESKTOP)
    await openBook(d.page, BOOK)
    await openCustomer(d.page, BOOK, ids[0]!)
    await d.page.screenshot({ path: join(SHOTS, 'desktop-detail.png') })
    const report = await checkLayout(d.page)
    expect(report.pageOverflow).toBe(false)
    expect(report.outside).toEqual([])
    expect(await d.page.locator('crm-customer-list a.row').first().isVisible()).toBe(true)
    await d.context.close()
  })
})
