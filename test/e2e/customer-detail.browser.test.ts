// The customer detail, field by field against the real server: validation as you type (invalid
// input is flagged and kept, never saved or dropped), phone numbers read in the customer's
// country, tags, contacts, deals, the activity log, archive, and a viewer's read-only screen.
import type { Customer } from '@crm-sync/model'
import { readCustomer } from '@crm-sync/model'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  customerIds, field, goTo, openBook, openCustomer, setField, signedIn, startApp, whenServiceWorkerControls, type App, type UserPage,
} from './support/app'
import { describeBrowser } from './support/browser'

const BOOK = 'north-territory'

describeBrowser('web app: customer detail', 120_000, () => {
  let app: App
  let a: UserPage
  let id: string
  const onServer = (): Promise<Customer> => app.server.books.read(BOOK, (doc) => readCustomer(doc, id)!)

  beforeAll(async () => {
    app = await startApp()
    id = (await customerIds(app, BOOK))[10]!
    a = await signedIn(app, 'alice')
    await openCustomer(a.page, BOOK, id)
  })
  afterAll(async () => {
    await app?.close()
  })

  it('flags an invalid email as you type, keeps it unsaved, and saves the fixed one normalised', async () => {
    const original = (await onServer()).email
    const email = field(a.page, 'email')
    await email.fill('')
    await email.pressSequentially('bad@', { delay: 5 })
    const message = a.page.locator('crm-customer-detail crm-field [role="alert"]')
    await expect.poll(() => message.textContent()).toMatch(/not saved/)
    expect(await email.getAttribute('aria-invalid')).toBe('true')
    await email.press('Tab')
    expect(await email.inputValue()).toBe('bad@')
    await new Promise((r) => setTimeout(r, 300))
    expect((await onServer()).email).toBe(original)

    // Leaving and coming back: the typed text is still there, still flagged.
    await goTo(a.page, `/books/${BOOK}`)
    await openCustomer(a.page, BOOK, id)
    expect(await field(a.page, 'email').inputValue()).toBe('bad@')
    expect(await field(a.page, 'email').getAttribute('aria-invalid')).toBe('true')

    await setField(a.page, 'email', '  Sales@Example.COM ')
    expect(await field(a.page, 'email').getAttribute('aria-invalid')).toBe('false')
    await expect.poll(async () => (await onServer()).email).toBe('sales@example.com')
    expect(await field(a.page, 'email').inputValue()).toBe('sales@example.com')
  })

  it('reads a local phone number in the customer\'s country and rejects an impossible one', async () => {
    await setField(a.page, 'address.country', 'Germany')
    await expect.poll(async () => (await onServer()).address?.country).toBe('DE')
    await setField(a.page, 'phone', '12')
    expect(await field(a.page, 'phone').getAttribute('aria-invalid')).toBe('true')
    await setField(a.page, 'phone', '030 901820')
    await expect.poll(async () => (await onServer()).phone).toBe('+4930901820')
    expect(await field(a.page, 'phone').inputValue()).toBe('+4930901820')
  })

  it('edits name, status and tags', async () => {
    await setField(a.page, 'name', 'Renamed Handels GmbH')
    await a.page.locator('crm-customer-detail select#status').selectOption('prospect')
    await setField(a.page, 'tags', 'vip, north,  vip ')
    await expect.poll(async () => {
      const c = await onServer()
      return [c.name, c.status, c.tags]
    }).toEqual(['Renamed Handels GmbH', 'prospect', ['vip', 'north']])
    await setField(a.page, 'name', '')
    expect(await field(a.page, 'name').getAttribute('aria-invalid')).toBe('true')
    expect((await onServer()).name).toBe('Renamed Handels GmbH')
    await setField(a.page, 'name', 'Renamed Handels GmbH')
  })

  it('adds, edits and removes a contact', async () => {
    const form = a.page.locator('crm-contact-list .add')
    await form.locator('input[name="new-contact.firstName"]').fill('Greta')
    await form.locator('input[name="new-contact.email"]').fill('Greta@Example.com')
    await form.locator('button', { hasText: 'Add contact' }).click()
    await expect.poll(async () => (await onServer()).contacts.find((c) => c.firstName === 'Greta')?.email).toBe('greta@example.com')
    const contactId = (await onServer()).contacts.find((c) => c.firstName === 'Greta')!.id
    await setField(a.page, `contacts.${contactId}.title`, 'Buyer')
    await expect.poll(async () => (await onServer()).contacts.find((c) => c.id === contactId)?.title).toBe('Buyer')
    await a.page.locator(`crm-contact-list li[data-contact="${contactId}"] button`, { hasText: 'Remove' }).click()
    await expect.poll(async () => (await onServer()).contacts.some((c) => c.id === contactId)).toBe(false)
  })

  it('adds a deal with a typed amount and currency', async () => {
    const form = a.page.locator('crm-deal-list .add')
    await form.locator('input[name="new-deal.name"]').fill('Fleet renewal')
    await form.locator('input[name="new-deal.amount"]').fill('12 500,50')
    await form.locator('input[name="new-deal.currency"]').fill('eur')
    await form.locator('input[name="new-deal.closeDate"]').fill('2026-03-31')
    await form.locator('button', { hasText: 'Add deal' }).click()
    await expect.poll(async () => {
      const d = (await onServer()).deals.find((x) => x.name === 'Fleet renewal')
      return d && { amount: d.amount, currency: d.currency, closeDate: d.closeDate }
    }).toEqual({ amount: 12500.5, currency: 'EUR', closeDate: '2026-03-31' })
  })

  it('logs a call in the activity log', async () => {
    const log = a.page.locator('crm-activity-log')
    await log.locator('label', { hasText: 'Call' }).click()
    await log.locator('input#what').fill('Called about the renewal')
    await log.locator('button[type="submit"]').click()
    await log.locator('li', { hasText: 'Called about the renewal' }).waitFor()
    await expect.poll(async () => (await onServer()).activities.map((x) => [x.kind, x.text, x.by]))
      .toContainEqual(['call', 'Called about the renewal', 'alice'])
  })

  it('archives a customer: gone from the list, found under "Archived", restorable', async () => {
    await a.page.locator('crm-customer-detail header button', { hasText: 'Archive' }).click()
    await expect.poll(async () => (await onServer()).archived).toBe(true)
    await goTo(a.page, `/books/${BOOK}`)
    await a.page.locator('crm-list-toolbar input[type="search"]').fill('Renamed Handels')
    await expect.poll(() => a.page.locator('crm-customer-list a.row').count()).toBe(0)
    await a.page.locator('crm-list-toolbar select#status').selectOption('archived')
    await expect.poll(() => a.page.locator('crm-customer-list a.row').count()).toBe(1)
    await a.page.locator('crm-customer-list a.row').click()
    await a.page.locator('crm-customer-detail header button', { hasText: 'Restore' }).click()
    await expect.poll(async () => (await onServer()).archived).toBe(false)
  })

  it('gives a viewer a read-only screen', async () => {
    const d = await signedIn(app, 'dave')
    await openBook(d.page, BOOK)
    expect(await d.page.locator('crm-list-toolbar a', { hasText: 'New' }).count()).toBe(0)
    await openCustomer(d.page, BOOK, id)
    expect(await field(d.page, 'name').getAttribute('readonly')).not.toBeNull()
    expect(await d.page.locator('crm-notes-editor textarea').getAttribute('readonly')).not.toBeNull()
    expect(await d.page.locator('crm-customer-detail header button').count()).toBe(0)
    await d.page.locator('crm-book-view .role', { hasText: 'Read only' }).waitFor()
    // Still read-only after a reload straight into the customer (the role is kept on the device).
    await whenServiceWorkerControls(d.page)
    await d.page.reload()
    await field(d.page, 'name').waitFor()
    expect(await field(d.page, 'name').getAttribute('readonly')).not.toBeNull()
    await d.context.close()
  })
})
