// Layout checks run inside the page, through every open shadow root: horizontal overflow,
// touch targets smaller than 44 × 44 px, and form controls without an accessible name.
import type { Page } from 'playwright-core'

export interface LayoutReport {
  /** The page itself scrolls sideways. */
  readonly pageOverflow: boolean
  /** Visible elements reaching past the viewport's left or right edge. */
  readonly outside: string[]
  /** Controls a thumb cannot hit reliably. */
  readonly smallTargets: string[]
  /** Inputs, selects and text areas a screen reader cannot name. */
  readonly unlabelled: string[]
}

export const checkLayout = (page: Page): Promise<LayoutReport> =>
  page.evaluate(() => {
    const all: Element[] = []
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        all.push(el)
        if (el.shadowRoot) walk(el.shadowRoot)
      }
    }
    walk(document)
    const visible = (el: Element) => {
      if (el.getClientRects().length === 0) return false
      const s = getComputedStyle(el)
      return s.visibility !== 'hidden' && s.display !== 'none' && !el.closest('.visually-hidden')
    }
    const describe = (el: Element) => {
      const r = el.getBoundingClientRect()
      const text = (el.getAttribute('aria-label') ?? el.getAttribute('name') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)
      return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}> "${text}" ${Math.round(r.width)}×${Math.round(r.height)} at x=${Math.round(r.left)}`
    }
    const width = document.documentElement.clientWidth
    const outside: string[] = []
    const smallTargets: string[] = []
    const unlabelled: string[] = []
    for (const el of all) {
      if (!visible(el)) continue
      const r = el.getBoundingClientRect()
      if (r.width > 0 && (r.right > width + 0.5 || r.left < -0.5)) outside.push(describe(el))
      const tag = el.tagName.toLowerCase()
      const interactive = (tag === 'a' && el.hasAttribute('href')) || tag === 'button' || tag === 'select' || tag === 'textarea' ||
        (tag === 'input' && !['hidden', 'radio', 'checkbox'].includes((el as HTMLInputElement).type))
      const choice = tag === 'input' && ['radio', 'checkbox'].includes((el as HTMLInputElement).type)
      const target = choice ? el.closest('label') ?? el : el
      if ((interactive || choice) && (target.getBoundingClientRect().height < 44 || target.getBoundingClientRect().width < 44)) {
        smallTargets.push(describe(target))
      }
      if (['input', 'select', 'textarea'].includes(tag)) {
        const f = el as HTMLInputElement
        const named = (f.labels?.length ?? 0) > 0 || f.hasAttribute('aria-label') || f.hasAttribute('aria-labelledby') || f.hasAttribute('title')
        if (!named) unlabelled.push(describe(el))
      }
    }
    return { pageOverflow: document.documentElement.scrollWidth > width, outside, smallTargets, unlabelled }
  })
