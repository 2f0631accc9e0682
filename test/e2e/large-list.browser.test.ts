// The customer list with 10,000 customers on a phone-sized screen: only the rows in view exist in
// the DOM (virtualised), search, filter and sort answer within a frame or two, scrolling to the
// end keeps the DOM small, a change made elsewhere shows up in the list at once, and after a
// reload the list is back from the device's projection long before the book's document.
import { createCustomer, makeDemoCustomers } from '@crm-sync/model'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { goTo, signedIn, startApp, waitForBadge, type App, type UserPage } from './support/app'
import { describeBrowser } from './support/browser'
import { appMarks, probe, projectionPhase, savedProjectionSize } from './support/projection'

const BOOK = 'big-book'
const COUNT = 10_000

const rowsInDom = (page: Page) => page.locator('crm-customer-list a.row').count()
const shownCount = (page: Page) => page.locator('crm-customer-list .count [data-count]').getAttribute('data-count')

/** Milliseconds from an input/change event on `selector` until the list's count shows `expect`. */
async function timeToResult(page: Page, selector: 'search' | 'status' | 'sort', value: string): Promise<number> {
  // Locators pierce open shadow roots: the handles are found before the clock starts.
  const list = await page.locator('crm-customer-list').elementHandle()
  const control = await page.locator(`crm-customer-list #${selector}`).elementHandle()
  return page.evaluate(async ({ list, control, selector, value }) => {
    const input = control as HTMLInputElement | HTMLSelectElement
    const root = (list as Element).shadowRoot!
    const before = root.querySelector('.count [data-count]')?.textContent
    const firstRow = () => root.querySelector('a.row')?.getAttribute('data-id')
    const beforeRow = firstRow()
    const start = performance.now()
    input.value = value
    input.dispatchEvent(new Event(selector === 'search' ? 'input' : 'change', { bubbles: true, composed: true }))
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r))
      const now = root.querySelector('.count [data-count]')?.textContent
      if (now !== before || firstRow() !== beforeRow || performance.now() - start > 5000) return performance.now() - start
    }
  }, { list, control, selector, value })
}

describeBrowser('web app: 10,000 customers', 180_000, () => {
  let app: App
  let a: UserPage

  beforeAll(async () => {
    app = await startApp()
    await app.server.books.create({ id: BOOK, name: 'Ten thousand' }, 'alice')
    const customers = makeDemoCustomers(COUNT, { seed: 42, by: 'alice' })
    await app.server.books.change(BOOK, 'alice', (doc, origin) => {
      for (const c of customers) createCustomer(doc, c, { by: 'alice', origin })
    })
    a = await signedIn(app, 'alice')
  })
  afterAll(async () => {
    await app?.close()
  })

  it('loads and virtualises the list: a phone screen of rows in the DOM, not 10,000', async () => {
    const started = Date.now()
    await goTo(a.page, `/books/${BOOK}`)
    await waitForBadge(a.page, 'synced', 60_000)
    await expect.poll(() => shownCount(a.page), { timeout: 10_000 }).toBe(String(COUNT))
    console.log(`10,000 customers synced and listed in ${Date.now() - started} ms`)
    const rendered = await rowsInDom(a.page)
    expect(rendered).toBeGreaterThan(5)
    expect(rendered).toBeLessThan(60)
  })

  it('searches, filters and sorts within a couple of frames', async () => {
    const search = await timeToResult(a.page, 'search', 'gmbh')
    const found = Number(await shownCount(a.page))
    expect(found).toBeGreaterThan(0)
    expect(found).toBeLessThan(COUNT)
    const status = await timeToResult(a.page, 'status', 'customer')
    const sort = await timeToResult(a.page, 'sort', 'last-change')
    const clear = await timeToResult(a.page, 'search', '')
    console.log(`10,000 customers: search ${search.toFixed(0)} ms, filter ${status.toFixed(0)} ms, sort ${sort.toFixed(0)} ms, clear ${clear.toFixed(0)} ms`)
    for (const ms of [search, status, sort, clear]) expect(ms).toBeLessThan(300)
    expect(await rowsInDom(a.page)).toBeLessThan(60)
    await timeToResult(a.page, 'status', 'all')
    await timeToResult(a.page, 'sort', 'name')
    expect(await shownCount(a.page)).toBe(String(COUNT))
  })

  it('scrolls to the end with a small DOM', async () => {
    const last = await a.page.locator('lit-virtualizer').evaluate(async (v: HTMLElement) => {
      v.scrollTop = v.scrollHeight
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => requestAnimationFrame(r))
        const rows = [...v.querySelectorAll('a.row')].map((r) => Number(r.getAttribute('data-index')))
        if (rows.includes(9999)) return { max: Math.max(...rows), inDom: rows.length }
      }
      return { max: -1, inDom: -1 }
    })
    expect(last.max).toBe(COUNT - 1)
    expect(last.inDom).toBeLessThan(60)
  })

  it('shows a change made elsewhere in the list at once', async () => {
    const id = await app.server.books.read(BOOK, (doc) => [...doc.getMap('customers').keys()][1234]!)
    await app.server.books.change(BOOK, 'bob', (doc, origin) => {
      doc.transact(() => (doc.getMap('customers').get(id) as import('yjs').Map<unknown>).set('name', 'Zzyzx Renamed Remotely'), origin)
    })
    await a.page.locator('crm-list-toolbar input[type="search"]').fill('zzyzx')
    await expect.poll(() => a.page.locator('crm-customer-list a.row .name').allTextContents(), { timeout: 2000 })
      .toEqual(['Zzyzx Renamed Remotely'])
  })

  it('lists the 10,000 customers from the device after a reload, before the book has loaded', async () => {
    await a.page.locator('crm-list-toolbar input[type="search"]').fill('')
    await expect.poll(() => savedProjectionSize(a.page, 'alice', BOOK), { timeout: 20_000 }).toBe(COUNT)
    await a.page.addInitScript(probe)
    await a.page.reload()
    await expect.poll(() => a.page.locator('crm-customer-list .count [data-count]').getAttribute('data-source'), { timeout: 30_000 })
      .toBe('document')
    const marks = await appMarks(a.page)
    const shown = marks.filter((m) => m.name === 'crm:customers-shown')
    const loaded = marks.find((m) => m.name === 'crm:document-loaded')!
    const phase = await projectionPhase(a.page)
    console.log(`10,000 customers after a reload: listed from the projection at ${shown[0]?.at.toFixed(0)} ms ` +
      `(rows in the DOM at ${phase?.rowsAt?.toFixed(0)} ms), document loaded at ${loaded.at.toFixed(0)} ms (page time)`)
    expect(shown.map((m) => m.detail)).toEqual([{ source: 'projection', count: COUNT }, { source: 'document', count: COUNT }])
    expect(phase?.rowsAt).toBeLessThan(loaded.at)
    expect(await rowsInDom(a.page)).toBeGreaterThan(5)
  })
})
