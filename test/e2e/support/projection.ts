// Watching the app start from a book stored on the device: a probe (an init script) that captures
// the screen in the frame the list is shown from the saved projection, the app's User Timing
// marks, and how many customers the projection saved in IndexedDB holds.
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { bookDatabase } from './app'

export interface Mark {
  readonly name: string
  readonly at: number
  readonly detail: { source?: string; count?: number } | null
}

export interface ProjectionPhase {
  readonly source: string | null
  readonly countText: string
  /** The list's "opening…" hint: where the rows shown come from. */
  readonly openingTitle: string | null
  readonly nameValue: string | null
  readonly nameReadonly: boolean | null
  readonly waitingNote: boolean
  /** performance.now() when the list's first rows were in the DOM. */
  rowsAt?: number
}

/**
 * Runs in the page before the app: when the app marks the list as shown from the projection, it
 * looks at the screen in the next animation frame (before the document is applied: the sync
 * client waits for that frame) and keeps what it saw in window.__projectionPhase, with the time
 * the list's first rows were in the DOM.
 */
export const probe = (): void => {
  const deep = (root: Document | ShadowRoot, selector: string): Element | null => {
    const hit = root.querySelector(selector)
    if (hit) return hit
    for (const el of root.querySelectorAll('*')) {
      const inner = el.shadowRoot ? deep(el.shadowRoot, selector) : null
      if (inner) return inner
    }
    return null
  }
  const mark = performance.mark.bind(performance)
  performance.mark = (name: string, options?: PerformanceMarkOptions) => {
    const entry = mark(name, options)
    const detail = options?.detail as { source?: string } | undefined
    if (name === 'crm:customers-shown' && detail?.source === 'projection') {
      const list = deep(document, 'crm-customer-list')?.shadowRoot
      const phase: Record<string, unknown> = {}
      ;(window as unknown as { __projectionPhase: unknown }).__projectionPhase = phase
      const rowsShown = () => {
        if (phase['rowsAt'] === undefined && list?.querySelector('a.row')) phase['rowsAt'] = performance.now()
      }
      if (list) new MutationObserver(rowsShown).observe(list, { childList: true, subtree: true })
      rowsShown()
      requestAnimationFrame(() => {
        const count = list?.querySelector('.count [data-count]')
        const detailRoot = deep(document, 'crm-customer-detail')?.shadowRoot ?? null
        const nameInput = detailRoot ? (deep(detailRoot, 'input[name="name"]') as HTMLInputElement | null) : null
        Object.assign(phase, {
          source: count?.getAttribute('data-source') ?? null,
          countText: count?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
          openingTitle: list?.querySelector('.count .opening')?.getAttribute('title') ?? null,
          nameValue: nameInput?.value ?? null,
          nameReadonly: nameInput ? nameInput.readOnly : null,
          waitingNote: detailRoot?.querySelector('.waiting') != null,
        })
      })
    }
    return entry
  }
}

/** How many customers the projection the user's app saved in this page's IndexedDB holds (0: none yet). */
export const savedProjectionSize = (page: Page, userId: string, bookId: string): Promise<number> =>
  page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const request = indexedDB.open(name)
        request.onerror = () => reject(request.error)
        request.onsuccess = () => {
          const db = request.result
          if (!db.objectStoreNames.contains('projection')) {
            db.close() // an open connection would block the app's own upgrade of this database
            return resolve(0)
          }
          const tx = db.transaction(['meta', 'projection'], 'readonly')
          const meta = tx.objectStore('meta').get('projection')
          const rows = tx.objectStore('projection').getAll()
          tx.oncomplete = () => {
            db.close()
            const stale = (meta.result as { stale?: string[] } | undefined)?.stale ?? ['none yet']
            resolve(stale.length > 0 ? 0 : (rows.result as string[]).reduce((n, json) => n + (JSON.parse(json) as unknown[]).length, 0))
          }
        }
      }),
    bookDatabase(userId, bookId),
  )

/** The app's marks ('crm:…') so far, in order. */
export const appMarks = (page: Page): Promise<Mark[]> =>
  page.evaluate(() =>
    performance.getEntriesByType('mark').filter((m) => m.name.startsWith('crm:'))
      .map((m) => ({ name: m.name, at: m.startTime, detail: (m as PerformanceMark).detail as { source?: string; count?: number } | null })))

/** What the probe saw in the frame the list was first shown from the projection, if it was. */
export const projectionPhase = (page: Page): Promise<ProjectionPhase | null> =>
  page.evaluate(() => (window as unknown as { __projectionPhase?: ProjectionPhase }).__projectionPhase ?? null)

/**
 * Checks the app's marks for one start: the list was shown from a projection (`listed` rows)
 * before the document loaded, then from the document. Returns when the document loaded.
 */
export async function expectProjectionThenDocument(page: Page, listed: number): Promise<number> {
  const marks = await appMarks(page)
  const shown = marks.filter((m) => m.name === 'crm:customers-shown')
  const loaded = marks.find((m) => m.name === 'crm:document-loaded')
  expect(shown.map((m) => m.detail)).toEqual([{ source: 'projection', count: listed }, { source: 'document', count: listed }])
  expect(loaded).toBeDefined()
  expect(shown[0]!.at).toBeLessThan(loaded!.at)
  return loaded!.at
}
