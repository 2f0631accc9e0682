// Starting the app with a book already on the device: the customer list (and the customer open in
// the detail pane) are shown from the projection saved in IndexedDB before the book's document has
// loaded, read-only, then from the live document, editable. Offline, from the service worker.
// The app's User Timing marks say what was shown first; a probe captures the screen at that frame
// (support/projection.ts).
import { readCustomer, readCustomers } from '@crm-sync/model'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  customerIds, DESKTOP, field, openBook, openCustomer, signedIn, startApp, waitForBadge, whenServiceWorkerControls, type App, type UserPage,
} from './support/app'
import { describeBrowser } from './support/browser'
import { expectProjectionThenDocument, probe, projectionPhase, savedProjectionSize } from './support/projection'

const BOOK = 'north-territory'

describeBrowser('web app: the customer list from the device before the book has loaded', 120_000, () => {
  let app: App
  let a: UserPage

  beforeAll(async () => {
    app = await startApp()
    a = await signedIn(app, 'alice', DESKTOP) // list and customer side by side
    await a.page.addInitScript(probe)
    await openBook(a.page, BOOK)
    await Promise.all([waitForBadge(a.page, 'synced'), whenServiceWorkerControls(a.page)])
  })
  afterAll(async () => {
    await app?.close()
  })

  it('shows the saved list and customer read-only at first paint after an offline reload, then the live book', async () => {
    const id = (await customerIds(app, BOOK))[3]!
    const { all, listed, name } = await app.server.books.read(BOOK, (doc) => ({
      all: readCustomers(doc, { includeArchived: true }).length,
      listed: readCustomers(doc).length,
      name: readCustomer(doc, id)!.name,
    }))
    await openCustomer(a.page, BOOK, id)
    // The app writes the projection about a second after the book synced (or when the page is hidden).
    await expect.poll(() => savedProjectionSize(a.page, 'alice', BOOK), { timeout: 10_000 }).toBe(all)

    await a.context.setOffline(true)
    const response = await a.page.reload()
    expect(response?.fromServiceWorker()).toBe(true)
    await expect.poll(() => field(a.page, 'name').isEditable(), { timeout: 10_000 }).toBe(true)
    expect(await field(a.page, 'name').inputValue()).toBe(name)

    const loadedAt = await expectProjectionThenDocument(a.page, listed)

    const phase = await projectionPhase(a.page)
    expect(phase).toMatchObject({ source: 'projection', nameValue: name, nameReadonly: true, waitingNote: true })
    expect(phase!.countText).toMatch(/opening/)
    expect(phase!.rowsAt).toBeLessThan(loadedAt) // rows in the DOM before the document was applied

    const count = a.page.locator('crm-customer-list .count [data-count]')
    expect(await count.getAttribute('data-source')).toBe('document')
    expect(await a.page.locator('crm-customer-detail .waiting').count()).toBe(0)
    await a.context.setOffline(false)
  })
})
