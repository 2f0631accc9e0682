// The customer list's data: one summary per customer, kept up to date from Yjs events (only the
// customers a transaction touched are re-read), with sorted views cached until the next change.
// This is what keeps search and scrolling instant with 10,000 customers on a phone.
import { customersMap } from '@crm-sync/model'
import * as Y from 'yjs'
import { filterRows, sortRows, type CustomerQuery, type ListRow, type SortOrder } from '../lib/customer-query'
import { summarize } from '../lib/customer-summary'
import type { LastChangeStore } from '../lib/last-change-store'

export class CustomerIndex {
  private readonly rows = new Map<string, ListRow>()
  private readonly sorted = new Map<SortOrder, ListRow[]>()
  private readonly listeners = new Set<() => void>()
  private readonly customers: Y.Map<Y.Map<unknown>>
  /** Bumped on every change, so views can tell whether their results are stale. */
  version = 0

  constructor(doc: Y.Doc, private readonly lastChanges: LastChangeStore, private readonly now: () => number = Date.now) {
    this.customers = customersMap(doc)
    for (const [id, map] of this.customers.entries()) if (map instanceof Y.Map) this.put(id, map, false)
    this.customers.observeDeep(this.onChange)
  }

  get size(): number {
    return this.rows.size
  }

  get(customerId: string): ListRow | undefined {
    return this.rows.get(customerId)
  }

  query(q: CustomerQuery): ListRow[] {
    let sorted = this.sorted.get(q.sort)
    if (!sorted) {
      sorted = sortRows([...this.rows.values()], q.sort)
      this.sorted.set(q.sort, sorted)
    }
    return filterRows(sorted, q)
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  dispose(): void {
    this.customers.unobserveDeep(this.onChange)
    this.listeners.clear()
  }

  /** `changed`: an edit to a customer already known (stamped now), not its arrival. */
  private put(id: string, map: Y.Map<unknown>, changed: boolean): void {
    const summary = summarize(id, map)
    let lastChange = this.lastChanges.get(id)
    if (changed) {
      lastChange = this.now()
      this.lastChanges.set(id, lastChange)
    }
    this.rows.set(id, { ...summary, lastChange: lastChange ?? summary.createdAt })
  }

  private readonly onChange = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void => {
    const touched = new Map<string, boolean>() // customer id -> changed (false: newly arrived)
    for (const event of events) {
      if (event.target === this.customers) {
        for (const [id, change] of event.changes.keys) touched.set(id, change.action !== 'add' || this.rows.has(id))
      } else {
        const id = event.path[0]
        if (typeof id === 'string') touched.set(id, touched.get(id) ?? true)
      }
    }
    if (touched.size === 0) return
    for (const [id, changed] of touched) {
      const map = this.customers.get(id)
      if (map instanceof Y.Map) this.put(id, map, changed)
      else this.rows.delete(id)
    }
    this.sorted.clear()
    this.version++
    for (const fn of [...this.listeners]) fn()
  }
}
