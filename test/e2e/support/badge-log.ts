// The sync badge's states from the moment it first renders (recordBadgeStates in app.ts starts
// once the badge is found, which can be after its first state): an init script that sees every
// `state` attribute Lit reflects onto <crm-sync-badge>, consecutive duplicates folded.
import type { Page } from 'playwright-core'

/** For page.addInitScript: runs before the app, keeps the states in window.__badgeLog. */
export const badgeLog = (): void => {
  const log: string[] = []
  ;(window as unknown as { __badgeLog: string[] }).__badgeLog = log
  const setAttribute = Element.prototype.setAttribute
  Element.prototype.setAttribute = function (this: Element, name: string, value: string) {
    if (this.localName === 'crm-sync-badge' && name === 'state' && log[log.length - 1] !== value) log.push(value)
    setAttribute.call(this, name, value)
  }
}

export const badgeLogOf = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { __badgeLog?: string[] }).__badgeLog ?? [])
