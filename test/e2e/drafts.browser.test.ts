// Unsaved form text survives a reload of the tab: text in a customer's field that did not validate
// yet, a half-filled "new customer" form (the focused field's text included) and a half-filled
// "add a contact" form. A sign-out forgets it (a shared device shows no one else's typing).
// Before, all of it lived in memory and a reload (or the update banner's Reload) dropped it.
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  customerIds, field, goTo, openBook, openCustomer, signIn, signOut, signedIn, startApp, waitForBadge, whenServiceWorkerControls,
  type App, type UserPage,
} from './support/app'
import { describeBrowser } from './support/browser'

const BOOK = 'north-territory'

describeBrowser('web app: unsaved form text across a reload', 120_000, () => {
  let app: App
  let a: UserPage
  let id: string

  const newCustomerInput = (name: string) => a.page.locator(`crm-new-customer input[name="${name}"]`)
  const newContactInput = (name: string) => a.page.locator(`crm-contact-list input[name="new-contact.${name}"]`)
  const reloadTo = async (path: string) => {
    await a.page.reload()
    await goTo(a.page, path)
  }

  beforeAll(async () => {
    app = await startApp()
    id = (await customerIds(app, BOOK))[0]!
    a = await signedIn(app, 'alice')
    await openBook(a.page, BOOK)
    await Promise.all([waitForBadge(a.page, 'synced'), whenServiceWorkerControls(a.page)])
  })
  afterAll(async () => {
    await app?.close()
  })

  it("keeps text that did not validate in a customer's field, still flagged", async () => {
    await openCustomer(a.page, BOOK, id)
    await field(a.page, 'phone').fill('12')
    await field(a.page, 'phone').press('Tab')
    await expect.poll(() => field(a.page, 'phone').getAttribute('aria-invalid')).toBe('true')
    await reloadTo(`/books/${BOOK}/customers/${id}`)
    await field(a.page, 'phone').waitFor()
    await expect.poll(() => field(a.page, 'phone').inputValue(), { timeout: 5000 }).toBe('12')
    expect(await field(a.page, 'phone').getAttribute('aria-invalid')).toBe('true')
  })

  it('keeps a half-filled new-customer form, the focused field too, until the customer is created', async () => {
    const path = `/books/${BOOK}/new`
    await goTo(a.page, path)
    await newCustomerInput('name').fill('Half Filled AG')
    await newCustomerInput('name').press('Tab')
    await newCustomerInput('email').fill('not-an-email')
    await newCustomerInput('email').press('Tab')
    await a.page.locator('crm-new-customer select#status').selectOption('prospect')
    await newCustomerInput('address.city').fill('Bremen') // still focused when the page goes
    await reloadTo(path)
    await newCustomerInput('name').waitFor()
    await expect.poll(() => newCustomerInput('name').inputValue(), { timeout: 5000 }).toBe('Half Filled AG')
    expect(await newCustomerInput('address.city').inputValue()).toBe('Bremen')
    expect(await newCustomerInput('email').inputValue()).toBe('not-an-email')
    expect(await newCustomerInput('email').getAttribute('aria-invalid')).toBe('true')
    expect(await a.page.locator('crm-new-customer select#status').inputValue()).toBe('prospect')

    await a.page.locator('crm-new-customer button[type="submit"]').click()
    await expect.poll(() => a.page.locator('crm-new-customer div.error[role="alert"]').textContent()).toContain('Email')
    await newCustomerInput('email').fill('info@half-filled.example')
    await newCustomerInput('email').press('Tab')
    await a.page.locator('crm-new-customer button[type="submit"]').click()
    await expect.poll(() => field(a.page, 'name').inputValue(), { timeout: 5000 }).toBe('Half Filled AG')
    expect(await field(a.page, 'address.city').inputValue()).toBe('Bremen')
    expect(await a.page.locator('crm-customer-detail select').first().inputValue()).toBe('prospect')

    await goTo(a.page, path) // created: the next new customer starts empty, also after a reload
    await newCustomerInput('name').waitFor()
    expect(await newCustomerInput('name').inputValue()).toBe('')
    await reloadTo(path)
    await newCustomerInput('name').waitFor()
    expect(await newCustomerInput('name').inputValue()).toBe('')
  })

  it('keeps a half-filled add-a-contact form, for that customer only', async () => {
    await openCustomer(a.page, BOOK, id)
    await newContactInput('firstName').fill('Greta')
    await newContactInput('firstName').press('Tab')
    await newContactInput('email').fill('greta@') // invalid, still focused
    await reloadTo(`/books/${BOOK}/customers/${id}`)
    await newContactInput('firstName').waitFor()
    await expect.poll(() => newContactInput('firstName').inputValue(), { timeout: 5000 }).toBe('Greta')
    expect(await newContactInput('email').inputValue()).toBe('greta@')
    expect(await newContactInput('email').getAttribute('aria-invalid')).toBe('true')

    const other = (await customerIds(app, BOOK))[1]!
    await openCustomer(a.page, BOOK, other)
    expect(await newContactInput('firstName').inputValue()).toBe('')
    await openCustomer(a.page, BOOK, id)
    await expect.poll(() => newContactInput('firstName').inputValue()).toBe('Greta')
  })

  it('forgets unsaved text on sign-out', async () => {
    await signOut(a.page)
    expect(await a.page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('crm:drafts:')))).toEqual([])
    await signIn(a.page, 'alice')
    await openBook(a.page, BOOK)
    await openCustomer(a.page, BOOK, id)
    await expect.poll(() => field(a.page, 'name').inputValue()).not.toBe('')
    expect(await field(a.page, 'phone').getAttribute('aria-invalid')).toBe('false')
    expect(await newContactInput('firstName').inputValue()).toBe('')
  })
})
