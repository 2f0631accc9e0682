// The real server (serving the built web app) plus Chromium, and the steps every browser test
// repeats: a signed-in user in their own browser context, opening a book or a customer.
import { readCustomers } from '@crm-sync/model'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestServer, type TestServer } from '../../../server/src/testing/test-server'
import { launchChromium } from './browser'

export interface App {
  readonly server: TestServer
  readonly browser: Browser
  close(): Promise<void>
}

export async function startApp(env: Record<string, string> = {}): Promise<App> {
  const server = await startTestServer({ DEV_SEED: 'true', ...env }, undefined, { serveClient: true })
  const browser = await launchChromium()
  return {
    server,
    browser,
    close: async () => {
      await browser.close()
      await server.dispose()
    },
  }
}

export interface UserPage {
  readonly context: BrowserContext
  readonly page: Page
}

export const PHONE = { width: 375, height: 667 } as const
export const DESKTOP = { width: 1280, height: 800 } as const

/** A new browser context signed in as `userId` through the sign-in screen. */
export async function signedIn(app: App, userId: string, viewport: { width: number; height: number } = PHONE): Promise<UserPage> {
  const context = await app.browser.newContext({ baseURL: app.server.url, viewport, hasTouch: viewport.width < 600 })
  const page = await context.newPage()
  page.on('pageerror', (e) => console.error(`[${userId} page error]`, e))
  await page.goto('/')
  await signIn(page, userId)
  return { context, page }
}

/** Signs in as `userId` on a page showing the sign-in screen, and waits for the user's books. */
export async function signIn(page: Page, userId: string): Promise<void> {
  await page.locator(`crm-sign-in button[data-user="${userId}"]`).click()
  await page.locator('crm-book-picker a.book').first().waitFor()
}

/** Signs out from the book picker (the app goes there first). */
export async function signOut(page: Page): Promise<void> {
  await goTo(page, '/')
  await page.locator('crm-book-picker button', { hasText: 'Sign out' }).click()
  await page.locator('crm-sign-in').waitFor()
}

/** Waits until the service worker controls the page (the app shell is then precached). */
export async function whenServiceWorkerControls(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
    if (navigator.serviceWorker.controller) return
    await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }))
  })
}

export const badge = (page: Page) => page.locator('crm-sync-badge')

export async function waitForBadge(page: Page, state: 'offline' | 'syncing' | 'synced', timeout = 10_000): Promise<void> {
  await page.locator(`crm-sync-badge[state="${state}"]`).waitFor({ timeout })
}

export async function openBook(page: Page, bookId: string): Promise<void> {
  await page.locator(`crm-book-picker a.book[data-book="${bookId}"]`).click()
  await page.locator('crm-customer-list a.row').first().waitFor()
}

/**
 * Client-side navigation (as a tapped link does): the open book and its document stay, where a
 * page.goto would load the app afresh (the server and the service worker both answer deep paths
 * with the app shell: server/src/http/static-app.ts).
 */
export async function goTo(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => {
    history.pushState(null, '', p)
    dispatchEvent(new PopStateEvent('popstate'))
  }, path)
}

export async function openCustomer(page: Page, bookId: string, customerId: string): Promise<void> {
  await goTo(page, `/books/${bookId}/customers/${customerId}`)
  await page.locator('crm-customer-detail input[name="name"]').waitFor()
}

/** Customer ids of a book as the server has them, in id order. */
export const customerIds = (app: App, bookId: string): Promise<string[]> =>
  app.server.books.read(bookId, (doc) => readCustomers(doc).map((c) => c.id))

/** An owner changes a membership through the API, as the owner's own app would (PUT with a role, or DELETE). */
export async function setMember(app: App, bookId: string, user: string, method: 'PUT' | 'DELETE', role: string | undefined, owner: string): Promise<void> {
  const res = await fetch(`${app.server.url}/api/books/${bookId}/members/${user}`, {
    method,
    headers: { authorization: `Bearer ${await app.server.token(owner)}`, 'content-type': 'application/json' },
    ...(role ? { body: JSON.stringify({ role }) } : {}),
  })
  if (!res.ok) throw new Error(`${method} member ${user} of ${bookId}: ${res.status} ${await res.text()}`)
}

/** The IndexedDB database the app keeps a user's book in (client/src/lib/local-books.ts). */
export const bookDatabase = (userId: string, bookId: string): string => `crm-sync-book:${encodeURIComponent(userId)}:${bookId}`

export const field = (page: Page, name: string) => page.locator(`crm-customer-detail input[name="${name}"]`)
export const notes = (page: Page) => page.locator('crm-notes-editor textarea')

/** Types into a detail field and commits it (Tab leaves the field, as a rep would). */
export async function setField(page: Page, name: string, value: string): Promise<void> {
  const input = field(page, name)
  await input.fill(value)
  await input.press('Tab')
}

/** Starts recording the sync badge's states (consecutive duplicates folded) in window.__badgeStates. */
export async function recordBadgeStates(page: Page): Promise<void> {
  await page.locator('crm-sync-badge').waitFor()
  await page.evaluate(() => {
    const find = (root: Document | ShadowRoot): Element | null => {
      const hit = root.querySelector('crm-sync-badge')
      if (hit) return hit
      for (const el of root.querySelectorAll('*')) {
        const inner = el.shadowRoot ? find(el.shadowRoot) : null
        if (inner) return inner
      }
      return null
    }
    const badge = find(document)!
    const states: Array<string | null> = [badge.getAttribute('state')]
    const push = (s: string | null) => {
      if (s !== states[states.length - 1]) states.push(s)
    }
    new MutationObserver((records) => {
      // Every change counts, also two within one callback batch.
      for (const r of records.slice(1)) push(r.oldValue)
      push(badge.getAttribute('state'))
    }).observe(badge, { attributes: true, attributeFilter: ['state'], attributeOldValue: true })
    ;(window as unknown as { __badgeStates: typeof states }).__badgeStates = states
  })
}

export const badgeStates = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { __badgeStates: string[] }).__badgeStates)
