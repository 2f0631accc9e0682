// A device that has never opened the book: the app asks the relay for the book's customer list
// before it starts the WebSocket sync, shows those rows read-only ("opening…", as on the server),
// and switches to the live, editable document once the first sync has brought the book. The sync
// badge says "Connecting…" meanwhile, never "Offline": the device is online.
import { readCustomers } from '@crm-sync/model'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { bookDatabase, DESKTOP, openBook, signedIn, startApp, waitForBadge, type App } from './support/app'
import { badgeLog, badgeLogOf } from './support/badge-log'
import { describeBrowser } from './support/browser'
import { expectProjectionThenDocument, probe, projectionPhase } from './support/projection'

const BOOK = 'north-territory'

describeBrowser('web app: a fresh device lists the relay\'s customers before its first sync', 120_000, () => {
  let app: App

  beforeAll(async () => {
    app = await startApp()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('fetches the list first, shows it read-only, then follows the synced document', async () => {
    const listed = await app.server.books.read(BOOK, (doc) => readCustomers(doc).length)
    const a = await signedIn(app, 'alice', DESKTOP) // a new browser context: nothing stored
    await a.page.addInitScript(probe)
    await a.page.addInitScript(badgeLog)
    await a.page.reload() // the probe runs from the next page load on
    await a.page.locator('crm-book-picker a.book').first().waitFor()
    const seen: Array<{ what: 'list' | 'sync'; at: number }> = []
    a.page.on('request', (r) => {
      if (new URL(r.url()).pathname === `/api/books/${BOOK}/customers`) seen.push({ what: 'list', at: Date.now() })
    })
    a.page.on('websocket', (ws) => {
      if (new URL(ws.url()).pathname.startsWith('/sync')) seen.push({ what: 'sync', at: Date.now() })
    })
    const stored = await a.page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))
    expect(stored).not.toContain(bookDatabase('alice', BOOK))

    await openBook(a.page, BOOK)
    await waitForBadge(a.page, 'synced')

    // The list request went out before the book's WebSocket was opened.
    expect(seen.map((s) => s.what).slice(0, 2)).toEqual(['list', 'sync'])
    // Online all along: connecting while the list loads, then syncing; never "offline".
    const badgeStates = await badgeLogOf(a.page)
    expect(badgeStates[0]).toBe('connecting')
    expect(badgeStates).not.toContain('offline')

    const loadedAt = await expectProjectionThenDocument(a.page, listed)

    const phase = await projectionPhase(a.page)
    expect(phase).toMatchObject({ source: 'projection' })
    expect(phase!.countText).toMatch(/opening/)
    expect(phase!.openingTitle).toMatch(/on the server/)
    expect(phase!.rowsAt).toBeLessThan(loadedAt)

    const count = a.page.locator('crm-customer-list .count [data-count]')
    await expect.poll(() => count.getAttribute('data-source')).toBe('document')
    await a.context.close()
  })
})
