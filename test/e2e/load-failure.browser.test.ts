// A book whose copy on the device cannot be read (here: a database a newer app version wrote,
// which this one cannot open) says so, and "Try again" opens it again once the cause is gone,
// without a reload.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { bookDatabase, goTo, signedIn, startApp, waitForBadge, type App } from './support/app'
import { describeBrowser } from './support/browser'

const BOOK = 'north-territory'

/** Creates (or removes) the user's database of the book at a version this app does not know. */
const database = (page: Page, name: string, action: 'create-newer' | 'delete'): Promise<void> =>
  page.evaluate(([n, a]) => new Promise<void>((resolve, reject) => {
    const request = a === 'delete' ? indexedDB.deleteDatabase(n!) : indexedDB.open(n!, 99)
    request.onsuccess = () => {
      if (a !== 'delete') (request as IDBOpenDBRequest).result.close()
      resolve()
    }
    request.onerror = () => reject(request.error)
  }), [name, action] as const)

describeBrowser('web app: a copy on the device that cannot be read', 120_000, () => {
  let app: App

  beforeAll(async () => {
    app = await startApp()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('says the book could not be read, and opens it again on "Try again" once it can be', async () => {
    const { context, page } = await signedIn(app, 'alice')
    try {
      await database(page, bookDatabase('alice', BOOK), 'create-newer')
      await goTo(page, `/books/${BOOK}`)
      const error = page.locator('crm-book-view .load-error')
      await expect.poll(() => error.innerText(), { timeout: 10_000 }).toMatch(/could not be read from the device/)

      await database(page, bookDatabase('alice', BOOK), 'delete')
      await error.locator('button.retry-load').click()
      await waitForBadge(page, 'synced')
      await expect.poll(() => page.locator('crm-book-view .load-error').count()).toBe(0)
      await expect.poll(() => page.locator('crm-customer-list .count [data-count]').getAttribute('data-count')).not.toBe('0')
    } finally {
      await context.close()
    }
  })
})
