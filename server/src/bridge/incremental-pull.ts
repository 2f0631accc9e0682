// Incremental pull that never misses a change: a window [since, until] on hs_lastmodifieddate,
// walked in pages ordered and keyed by hs_object_id (id > last seen id) rather than by offset, so
// HubSpot's 10,000-result search cap and thousands of records sharing one timestamp cannot stall
// or skip it. The position is saved after every page; a restart resumes mid-window. The next
// window starts `overlapMs` before this one ended, for search-index lag and clock skew.
import type { BridgeStateStore } from './bridge-state-store'
import { CRM_SEARCH_LIMIT, type CrmAdapter, type CrmObject, type CrmObjectType } from './crm-adapter'

export interface PullCursor {
  readonly since: number
  /** Set while a window is being walked. */
  readonly until?: number
  readonly afterId?: string
}

export interface PullOptions {
  readonly crm: CrmAdapter
  readonly state: BridgeStateStore
  readonly type: CrmObjectType
  readonly properties: readonly string[]
  readonly overlapMs: number
  readonly now: () => number
  readonly pageSize?: number
  /** Called with each page before the cursor moves past it. */
  readonly onPage: (records: CrmObject[]) => Promise<void>
}

export const pullCursorName = (type: CrmObjectType): string => `pull:${type}`

export async function readPullCursor(state: BridgeStateStore, type: CrmObjectType): Promise<PullCursor> {
  const raw = await state.getCursor(pullCursorName(type))
  if (!raw) return { since: 0 }
  try {
    const c = JSON.parse(raw) as PullCursor
    return typeof c.since === 'number' ? c : { since: 0 }
  } catch {
    return { since: 0 }
  }
}

/**
 * Walks the window to its end; returns how many records it fetched. A window left unfinished by
 * an earlier run is finished first, then a fresh one up to now is walked too.
 */
export async function pullIncremental(o: PullOptions): Promise<number> {
  let fetched = 0
  for (;;) {
    const cursor = await readPullCursor(o.state, o.type)
    fetched += await walkWindow(o, cursor)
    if (cursor.until === undefined) return fetched
  }
}

async function walkWindow(o: PullOptions, cursor: PullCursor): Promise<number> {
  const name = pullCursorName(o.type)
  const limit = Math.min(o.pageSize ?? CRM_SEARCH_LIMIT, CRM_SEARCH_LIMIT)
  const until = cursor.until ?? o.now()
  let afterId = cursor.afterId ?? '0'
  let fetched = 0
  const search = (after: string) => o.crm.searchModified(o.type, { since: cursor.since, until, afterId: after, limit, properties: o.properties })
  let next: Promise<CrmObject[]> | null = search(afterId)
  while (next) {
    const page: CrmObject[] = await next
    // The next page is fetched while this one is worked on (its position is known already).
    next = page.length < limit ? null : search((page[page.length - 1] as CrmObject).id)
    next?.catch(() => {}) // awaited (and its failure thrown) on the next turn, unless onPage throws first
    if (page.length > 0) await o.onPage(page)
    fetched += page.length
    if (!next) break
    afterId = (page[page.length - 1] as CrmObject).id
    await o.state.setCursor(name, JSON.stringify({ since: cursor.since, until, afterId } satisfies PullCursor))
  }
  await o.state.setCursor(name, JSON.stringify({ since: Math.max(cursor.since, until - o.overlapMs) } satisfies PullCursor))
  return fetched
}
