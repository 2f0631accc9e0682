// A book's data removed from the device, from the app: a rep made a viewer while their edits
// waited offline discards them (every tab lets the book go and shows it as the relay has it, and
// nothing is sent when they may write again), and a rep removed from a book removes the copy the
// device still holds, from the access screen, which the book picker leads to (and which the picker
// or the access screen open in another tab then stops offering at once).
import { readCustomer } from '@crm-sync/model'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { bookDatabase, customerIds, field, goTo, openBook, setField, setMember, signedIn, startApp, waitForBadge, type App } from './support/app'
import { describeBrowser } from './support/browser'

const KEY = 'key-accounts' // bob owns it, carol edits it
const BOOK = 'north-territory' // alice owns it, bob edits it
const detail = (page: Page) => page.locator('crm-sync-badge .detail')
const databases = (page: Page): Promise<string[]> =>
  page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''))
/** Removes the copy an access screen offers (asked, then confirmed) and waits until it says it is gone. */
const removeCopy = async (access: Locator): Promise<void> => {
  const copy = access.locator('.local-copy')
  await copy.locator('button.remove-copy').click()
  await copy.locator('button.remove-confirm').click()
  await access.locator('.local-copy.removed').waitFor({ timeout: 10_000 })
}

describeBrowser('web app: removing a book from the device', 120_000, () => {
  let app: App

  /** bob opens BOOK, makes an edit offline, and alice removes him from the book before he is back. */
  const removedWithAnEditOffline = async (context: BrowserContext, page: Page) => {
    await openBook(page, BOOK)
    await waitForBadge(page, 'synced')
    const customerId = (await customerIds(app, BOOK))[0]!
    await goTo(page, `/books/${BOOK}/customers/${customerId}`)
    await field(page, 'industry').waitFor()
    await context.setOffline(true)
    await setField(page, 'industry', 'Typed before the removal')
    await setMember(app, BOOK, 'bob', 'DELETE', undefined, 'alice')
    await context.setOffline(false)
  }

  beforeAll(async () => {
    app = await startApp()
  })
  afterAll(async () => {
    await app?.close()
  })

  it("a viewer discards the edits the relay refused: every tab shows the book as the relay has it, and they are never sent", async () => {
    const customerId = (await customerIds(app, KEY))[0]!
    const onServer = () => app.server.books.read(KEY, (d) => readCustomer(d, customerId)?.industry ?? '')
    const serverIndustry = await onServer()
    const { context, page } = await signedIn(app, 'carol')
    const second = await context.newPage() // another tab with the same book open
    try {
      await openBook(page, KEY)
      await waitForBadge(page, 'synced')
      await second.goto(`/books/${KEY}/customers/${customerId}`)
      await field(second, 'industry').waitFor()
      await goTo(page, `/books/${KEY}/customers/${customerId}`)
      await field(page, 'industry').waitFor()

      // Text that does not validate yet: kept in the tab (sessionStorage) as a draft of the book.
      await field(page, 'phone').fill('12')
      await field(page, 'phone').press('Tab')
      await expect.poll(() => field(page, 'phone').getAttribute('aria-invalid')).toBe('true')
      const serverPhone = await app.server.books.read(KEY, (d) => readCustomer(d, customerId)?.phone ?? '')

      await context.setOffline(true)
      await setField(page, 'industry', 'Refused offline edit')
      await expect.poll(() => field(second, 'industry').inputValue()).toBe('Refused offline edit') // over the tabs' channel
      await setMember(app, KEY, 'carol', 'PUT', 'viewer', 'bob')
      await context.setOffline(false)
      await expect.poll(() => detail(page).innerText(), { timeout: 10_000 }).toBe('1 change not saved: view only')

      const notice = page.locator('crm-refused-changes .notice')
      await expect.poll(() => notice.innerText()).toMatch(/1 change made on this device cannot be saved/)
      await notice.locator('button.discard').click()
      await expect.poll(() => notice.innerText()).toMatch(/Discard 1 change made on this device\?/)
      await notice.locator('button.discard-confirm').click()

      // Both tabs let the book go and open it again from the relay.
      for (const tab of [page, second]) {
        await expect.poll(() => field(tab, 'industry').inputValue(), { timeout: 10_000 }).toBe(serverIndustry)
      }
      // The draft went with the book's data: not shown again, and nothing of it kept in the tab.
      expect(await field(page, 'phone').inputValue()).toBe(serverPhone)
      expect(await field(page, 'phone').getAttribute('aria-invalid')).toBe('false')
      expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('crm:drafts:')))).toEqual([])
      await waitForBadge(page, 'synced')
      await expect.poll(() => page.locator('crm-refused-changes .notice').count()).toBe(0)
      expect(await detail(page).innerText()).not.toMatch(/not saved|waiting/)

      // Made an editor again, nothing of the discarded edit reaches the relay from either tab.
      await setMember(app, KEY, 'carol', 'PUT', 'editor', 'bob')
      await page.reload()
      await field(page, 'industry').waitFor()
      await waitForBadge(page, 'synced')
      await expect.poll(() => field(page, 'industry').isEditable(), { timeout: 5000 }).toBe(true)
      await page.waitForTimeout(1000)
      expect(await onServer()).toBe(serverIndustry)
      expect(await field(second, 'industry').inputValue()).toBe(serverIndustry)
    } finally {
      await setMember(app, KEY, 'carol', 'PUT', 'editor', 'bob')
      await context.close()
    }
  })

  it('a rep removed from a book removes the copy this device still holds from the access screen', async () => {
    const { context, page } = await signedIn(app, 'bob')
    try {
      await removedWithAnEditOffline(context, page)

      const access = page.locator('crm-book-access[access="denied"]')
      await access.waitFor({ timeout: 10_000 })
      const copy = access.locator('.local-copy')
      await expect.poll(() => copy.innerText(), { timeout: 5000 }).toMatch(/still holds a copy of “north-territory”, with 1 change you made that never reached the server/)
      expect(await databases(page)).toContain(bookDatabase('bob', BOOK))
      await copy.locator('button.remove-copy').click() // asked twice: an unsaved change goes with it
      expect(await databases(page)).toContain(bookDatabase('bob', BOOK))
      await copy.locator('button.remove-confirm').click()
      await expect.poll(() => access.locator('.local-copy.removed').count(), { timeout: 10_000 }).toBe(1)
      expect(await databases(page)).not.toContain(bookDatabase('bob', BOOK))
      await page.reload()
      await access.waitFor()
      await page.waitForTimeout(500)
      expect(await access.locator('.local-copy').count()).toBe(0) // nothing left to offer
    } finally {
      await setMember(app, BOOK, 'bob', 'PUT', 'editor', 'alice')
      await context.close()
    }
  })

  it('the book picker lists a book the rep was removed from while this device holds it, and leads to removing it', async () => {
    const { context, page } = await signedIn(app, 'bob')
    const lost = page.locator('crm-book-picker ul[aria-label="Books only on this device"] a')
    try {
      await openBook(page, KEY) // a book bob stays a member of, stored here too
      await goTo(page, '/')
      await removedWithAnEditOffline(context, page)
      await page.locator('crm-book-access[access="denied"]').waitFor({ timeout: 10_000 })

      await goTo(page, '/')
      await page.locator('crm-book-picker[lost-checked]').waitFor({ timeout: 10_000 })
      expect(await lost.count()).toBe(1)
      expect(await lost.getAttribute('data-lost-book')).toBe(BOOK)
      expect(await lost.innerText()).toMatch(/north-territory\s+1 change never saved/)
      expect(await page.locator(`crm-book-picker a.book[data-book="${BOOK}"]`).count()).toBe(0)
      expect(await page.locator(`crm-book-picker a.book[data-book="${KEY}"]`).count()).toBe(1) // listed, not lost

      await lost.click()
      await removeCopy(page.locator('crm-book-access[access="denied"]'))
      expect(await databases(page)).toContain(bookDatabase('bob', KEY))

      expect(await databases(page)).not.toContain(bookDatabase('bob', BOOK))
      await goTo(page, '/')
      await page.locator('crm-book-picker[lost-checked]').waitFor() // looked through the device again
      expect(await lost.count()).toBe(0)
    } finally {
      await setMember(app, BOOK, 'bob', 'PUT', 'editor', 'alice')
      await context.close()
    }
  })

  it("a book removed from the device in another tab leaves this tab's open picker at once", async () => {
    const { context, page } = await signedIn(app, 'bob')
    const picker = await context.newPage() // the other tab, showing the picker all along
    const lost = picker.locator('crm-book-picker ul[aria-label="Books only on this device"] a')
    try {
      await removedWithAnEditOffline(context, page)
      const access = page.locator('crm-book-access[access="denied"]')
      await access.waitFor({ timeout: 10_000 })
      await picker.goto('/')
      await picker.locator('crm-book-picker[lost-checked]').waitFor({ timeout: 10_000 })
      expect(await lost.getAttribute('data-lost-book')).toBe(BOOK)

      await page.bringToFront() // the picker's tab goes to the background, as when the user switches tabs
      await removeCopy(access)
      // Heard on the book's channel once the removal ended: looked up again, not on the next visit.
      await expect.poll(() => lost.count(), { timeout: 5000 }).toBe(0)
      await picker.locator('crm-book-picker[lost-checked]').waitFor()
      expect(await databases(picker)).not.toContain(bookDatabase('bob', BOOK))
    } finally {
      await setMember(app, BOOK, 'bob', 'PUT', 'editor', 'alice')
      await context.close()
    }
  })

  it("a copy removed in another tab is no longer offered on this tab's access screen, and removing it here too ends quietly", async () => {
    const { context, page } = await signedIn(app, 'bob')
    const other = await context.newPage() // the other tab, on the same access screen
    const errors: Error[] = []
    page.on('pageerror', (e) => errors.push(e))
    try {
      await removedWithAnEditOffline(context, page)
      const access = page.locator('crm-book-access[access="denied"]')
      await access.waitFor({ timeout: 10_000 })
      const copy = access.locator('.local-copy')
      await expect.poll(() => copy.innerText(), { timeout: 5000 }).toMatch(/still holds a copy of “north-territory”, with 1 change/)
      await other.goto(`/books/${BOOK}`)
      const otherAccess = other.locator('crm-book-access[access="denied"]')
      const otherCopy = otherAccess.locator('.local-copy')
      await expect.poll(() => otherCopy.innerText(), { timeout: 10_000 }).toMatch(/still holds a copy of “north-territory”/)

      await other.bringToFront() // the first tab goes to the background, as when the user switches tabs
      await removeCopy(otherAccess)
      // Heard on the book's channel once the removal ended: looked up again, the copy no longer offered.
      await expect.poll(() => copy.count(), { timeout: 5000 }).toBe(0)
      expect(await databases(page)).not.toContain(bookDatabase('bob', BOOK))

      // A click on remove that came just before the screen changed (the event its button fires; the
      // button is gone by now): removing the missing copy ends quietly, and makes no database again.
      await page.bringToFront()
      await access.evaluate((el, bookId) => el.dispatchEvent(new CustomEvent('remove-local-book', { detail: { bookId }, bubbles: true, composed: true })), BOOK)
      await access.locator('.local-copy.removed').waitFor({ timeout: 10_000 })
      expect(await access.locator('[role="alert"].error, .local-copy .error').count()).toBe(0)
      expect(await access.locator('button.remove-copy').count()).toBe(0)
      expect(await databases(page)).not.toContain(bookDatabase('bob', BOOK))
      expect(errors).toEqual([])
    } finally {
      await setMember(app, BOOK, 'bob', 'PUT', 'editor', 'alice')
      await context.close()
    }
  })
})
