// Two people on one customer at once, in two browser contexts against the real server: edits to
// different fields and to the notes reach the other side within a second, the caret stays put
// under the other's typing, presence shows who is where, and concurrent offline edits to the
// same field and notes converge to the identical customer.
import { readCustomer } from '@crm-sync/model'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { customerIds, field, notes, openCustomer, setField, signedIn, startApp, waitForBadge, type App, type UserPage } from './support/app'
import { describeBrowser } from './support/browser'

const BOOK = 'north-territory'

describeBrowser('web app: two users on one customer', 90_000, () => {
  let app: App
  let a: UserPage
  let b: UserPage
  let ids: string[]

  beforeAll(async () => {
    app = await startApp()
    ids = await customerIds(app, BOOK)
    a = await signedIn(app, 'alice')
    b = await signedIn(app, 'bob')
  })
  afterAll(async () => {
    await app?.close()
  })

  it('shows each user the other\'s field and notes edits within a second', async () => {
    const id = ids[0]!
    await openCustomer(a.page, BOOK, id)
    await openCustomer(b.page, BOOK, id)
    await Promise.all([waitForBadge(a.page, 'synced'), waitForBadge(b.page, 'synced')])
    const before = await notes(a.page).inputValue()

    // At the same time: A edits industry and types at the start of the notes, B edits the city
    // and types at the end of the notes.
    const typeAt = async (u: UserPage, where: 'start' | 'end', text: string) => {
      await notes(u.page).click()
      await u.page.keyboard.press(where === 'start' ? 'Control+Home' : 'Control+End')
      await u.page.keyboard.type(text, { delay: 15 })
    }
    await Promise.all([
      (async () => {
        await setField(a.page, 'industry', 'Robotics by Alice')
        await typeAt(a, 'start', 'ALICE: ')
      })(),
      (async () => {
        await setField(b.page, 'address.city', 'Bobtown')
        await typeAt(b, 'end', ' BOB.')
      })(),
    ])

    const within = { timeout: 1000, interval: 25 }
    await expect.poll(() => field(b.page, 'industry').inputValue(), within).toBe('Robotics by Alice')
    await expect.poll(() => field(a.page, 'address.city').inputValue(), within).toBe('Bobtown')
    const merged = `ALICE: ${before} BOB.`
    await expect.poll(() => notes(a.page).inputValue(), within).toBe(merged)
    await expect.poll(() => notes(b.page).inputValue(), within).toBe(merged)
    // And the relay stored the merge.
    await expect.poll(() => app.server.books.read(BOOK, (doc) => readCustomer(doc, id)?.notes), { timeout: 3000 })
      .toBe(merged)
  })

  it('keeps the caret in place while the other user types before it', async () => {
    const id = ids[1]!
    await openCustomer(a.page, BOOK, id)
    await openCustomer(b.page, BOOK, id)
    const ta = notes(a.page)
    await ta.fill('')
    await ta.pressSequentially('Hello world', { delay: 5 })
    await expect.poll(() => notes(b.page).inputValue(), { timeout: 1000 }).toBe('Hello world')

    // A puts the caret after "Hello" and keeps the focus; B types at the very start.
    await ta.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(5, 5))
    await notes(b.page).click()
    await b.page.keyboard.press('Control+Home')
    await b.page.keyboard.type('Well, ', { delay: 10 })
    await expect.poll(() => ta.inputValue(), { timeout: 1000 }).toBe('Well, Hello world')
    expect(await ta.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd, el === (el.getRootNode() as ShadowRoot).activeElement]))
      .toEqual([11, 11, true])
    // A goes on typing where the caret was.
    await a.page.keyboard.type(',', { delay: 10 })
    await expect.poll(() => notes(b.page).inputValue(), { timeout: 1000 }).toBe('Well, Hello, world')
  })

  it('shows who else is on the customer and in which field, with the server-stamped name', async () => {
    const id = ids[2]!
    await openCustomer(a.page, BOOK, id)
    await openCustomer(b.page, BOOK, id)
    await field(a.page, 'email').focus()
    await b.page.locator('crm-customer-detail .here', { hasText: 'Alice Martin' }).waitFor({ timeout: 2000 })
    await b.page.locator('crm-customer-detail crm-field .editors', { hasText: 'Alice Martin editing' }).waitFor({ timeout: 2000 })
    await b.page.locator('crm-presence-bar li[data-user="alice"]').waitFor({ timeout: 2000 })
    await field(a.page, 'email').blur()
  })

  it('converges when both edit the same field and the notes offline', async () => {
    const id = ids[3]!
    await openCustomer(a.page, BOOK, id)
    await openCustomer(b.page, BOOK, id)
    await Promise.all([waitForBadge(a.page, 'synced'), waitForBadge(b.page, 'synced')])
    await Promise.all([a.context.setOffline(true), b.context.setOffline(true)])
    await Promise.all([waitForBadge(a.page, 'offline'), waitForBadge(b.page, 'offline')])

    await setField(a.page, 'industry', 'Offline A')
    await setField(b.page, 'industry', 'Offline B')
    await notes(a.page).click()
    await a.page.keyboard.press('Control+Home')
    await a.page.keyboard.type('[A] ')
    await notes(b.page).click()
    await b.page.keyboard.press('Control+Home')
    await b.page.keyboard.type('[B] ')

    await Promise.all([a.context.setOffline(false), b.context.setOffline(false)])
    await Promise.all([waitForBadge(a.page, 'synced'), waitForBadge(b.page, 'synced')])
    const read = async (u: UserPage) => ({ industry: await field(u.page, 'industry').inputValue(), notes: await notes(u.page).inputValue() })
    await expect.poll(async () => JSON.stringify(await read(a)) === JSON.stringify(await read(b)), { timeout: 5000 }).toBe(true)
    const final = await read(a)
    expect(['Offline A', 'Offline B']).toContain(final.industry)
    expect(final.notes).toContain('[A] ')
    expect(final.notes).toContain('[B] ')
    const server = await app.server.books.read(BOOK, (doc) => readCustomer(doc, id)!)
    expect({ industry: server.industry, notes: server.notes }).toEqual(final)
  })
})
