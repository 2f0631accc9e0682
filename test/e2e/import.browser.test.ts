// The import screen (issue 7) against the real import endpoint: upload a CSV, preview the
// server's report (mapping suggested from the header, a rejected row with its reason, nothing
// written), import, and watch the customers arrive in the open book through the relay.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { readCustomers } from '@crm-sync/model'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { goTo, openBook, signedIn, startApp, type App, type UserPage } from './support/app'
import { describeBrowser } from './support/browser'
import { checkLayout } from './support/layout'

const BOOK = 'north-territory'
const SHOTS = process.env['E2E_SCREENSHOT_DIR'] ?? '/tmp/crm-e2e'
const CSV = [
  'Company,E-Mail,Phone,City,Country,Status',
  'Importia GmbH,Info@Importia.DE,030 901820,Berlin,Germany,Customer',
  'Second Import Ltd,hello@second-import.co.uk,,London,UK,lead',
  'Broken Row Ltd,not-an-email,,Paris,FR,',
].join('\r\n')

describeBrowser('web app: import screen', 90_000, () => {
  let app: App
  let a: UserPage
  const serverNames = () => app.server.books.read(BOOK, (doc) => readCustomers(doc).map((c) => c.name))

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    app = await startApp()
    a = await signedIn(app, 'alice')
    await openBook(a.page, BOOK)
  })
  afterAll(async () => {
    await app?.close()
  })

  it('previews the report, then imports; the customers appear in the list', async () => {
    await a.page.locator('crm-customer-list .count a', { hasText: 'Import' }).click()
    const view = a.page.locator('crm-import-view')
    await view.locator('input#file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) })
    expect(await view.locator('select#format').inputValue()).toBe('csv')
    await view.locator('button', { hasText: 'Preview' }).click()

    const report = a.page.locator('crm-import-report')
    await report.locator('[data-count="imported"]').waitFor({ timeout: 10_000 })
    expect(await report.locator('h3').first().textContent()).toMatch(/Preview/)
    expect(await report.locator('[data-count="imported"]').textContent()).toBe('2')
    expect(await report.locator('[data-count="rejected"]').textContent()).toBe('1')
    expect(await report.locator('table[aria-label="Mapping"] td', { hasText: 'E-Mail' }).count()).toBe(1)
    const rejected = report.locator('table[aria-label="Rejected rows"] tbody tr')
    expect(await rejected.count()).toBeGreaterThanOrEqual(1)
    expect(await rejected.first().textContent()).toMatch(/email/)
    expect(await serverNames()).not.toContain('Importia GmbH')
    await a.page.screenshot({ path: join(SHOTS, 'mobile-import-preview.png'), fullPage: true })
    const layout = await checkLayout(a.page)
    expect([layout.pageOverflow, layout.outside, layout.smallTargets]).toEqual([false, [], []])

    await view.locator('button.primary', { hasText: 'Import' }).click()
    await report.locator('h3', { hasText: 'Imported' }).waitFor({ timeout: 10_000 })
    expect(await serverNames()).toEqual(expect.arrayContaining(['Importia GmbH', 'Second Import Ltd']))
    expect(await serverNames()).not.toContain('Broken Row Ltd')

    await goTo(a.page, `/books/${BOOK}`)
    await a.page.locator('crm-list-toolbar input[type="search"]').fill('import')
    await expect.poll(() => a.page.locator('crm-customer-list a.row .name').allTextContents(), { timeout: 5000 })
      .toEqual(['Importia GmbH', 'Second Import Ltd'])
  })
})
