// Two tabs of the app in one browser (one localStorage): signing out, or in as someone else, in
// one reaches the other, which leaves the open book; and it never writes the session back.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openBook, signIn, signOut, signedIn, startApp, waitForBadge, type App } from './support/app'
import { describeBrowser } from './support/browser'

const BOOK = 'north-territory'

describeBrowser('web app: the session across tabs', 120_000, () => {
  let app: App

  beforeAll(async () => {
    app = await startApp()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('a sign-out in one tab closes the book and shows the sign-in in the other; a new sign-in there shows that user', async () => {
    const { context, page: first } = await signedIn(app, 'alice')
    const second = await context.newPage()
    await second.goto('/')
    await second.locator('crm-book-picker a.book').first().waitFor()
    await openBook(second, BOOK)
    await waitForBadge(second, 'synced')

    await signOut(first)
    await second.locator('crm-sign-in').waitFor({ timeout: 5000 })
    expect(await second.locator('crm-book-view').count()).toBe(0)
    expect(new URL(second.url()).pathname).toBe('/')
    // Nothing in the second tab (its relay connection renewing a token, say) signs alice back in.
    await second.waitForTimeout(1000)
    expect(await first.evaluate(() => localStorage.getItem('crm:session'))).toBeNull()
    expect(await first.locator('crm-sign-in').count()).toBe(1)

    await signIn(first, 'carol')
    await second.locator('crm-book-picker').waitFor({ timeout: 5000 })
    await expect.poll(() => second.locator('crm-book-picker a.book').evaluateAll((as) => as.map((a) => a.getAttribute('data-book'))))
      .toEqual(['key-accounts'])
    await context.close()
  })
})
