// Two reps on one device (one browser profile): each user's books are kept in databases of their
// own, so edits one rep made offline and left unsaved at sign-out are neither shown to the next
// rep nor sent under the next rep's session; they wait for their author and are sent when that
// rep signs in again.
import { readCustomer } from '@crm-sync/model'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { bookDatabase, customerIds, field, goTo, openBook, setField, signIn, signOut, signedIn, startApp, waitForBadge, type App } from './support/app'
import { describeBrowser } from './support/browser'

const BOOK = 'north-territory' // alice owns it, bob edits it

describeBrowser('web app: two reps on one device', 120_000, () => {
  let app: App

  beforeAll(async () => {
    app = await startApp()
  })
  afterAll(async () => {
    await app?.close()
  })

  it("keeps one rep's unsaved edits from the next rep's session, and sends them once their author is back", async () => {
    const customerId = (await customerIds(app, BOOK))[0]!
    const industry = () => app.server.books.read(BOOK, (d) => readCustomer(d, customerId)?.industry ?? '')
    const before = await industry()
    const { context, page } = await signedIn(app, 'bob')
    try {
      await openBook(page, BOOK)
      await waitForBadge(page, 'synced')
      await goTo(page, `/books/${BOOK}/customers/${customerId}`)
      await field(page, 'industry').waitFor()
      await context.setOffline(true)
      await setField(page, 'industry', "Bob's offline edit")
      await expect.poll(() => page.locator('crm-sync-badge .detail').innerText()).toBe('1 change waiting')
      await signOut(page)
      await context.setOffline(false)

      await signIn(page, 'alice')
      await openBook(page, BOOK)
      await waitForBadge(page, 'synced')
      await goTo(page, `/books/${BOOK}/customers/${customerId}`)
      await field(page, 'industry').waitFor()
      expect(await field(page, 'industry').inputValue()).toBe(before)
      expect(await page.locator('crm-sync-badge .detail').innerText()).not.toMatch(/waiting|not saved/)
      await page.waitForTimeout(500)
      expect(await industry()).toBe(before) // not sent under alice's session
      const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''))
      expect(names).toEqual(expect.arrayContaining([bookDatabase('alice', BOOK), bookDatabase('bob', BOOK)]))

      await signOut(page)
      await signIn(page, 'bob')
      await openBook(page, BOOK)
      await expect.poll(() => industry(), { timeout: 10_000 }).toBe("Bob's offline edit")
      await waitForBadge(page, 'synced')
    } finally {
      await context.close()
    }
  })
})
