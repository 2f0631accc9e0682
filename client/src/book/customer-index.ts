// The customer list's data: one summary per customer, kept up to date from Yjs events (only the
// customers a transaction touched are re-read), with sorted views cached until the next change.
// This is what keeps search and scrolling instant with 10,000 customers on a phone. Until the
// book's document has loaded, the rows can come from the saved projection instead (read-only).
import { customersMap, type Customer } from '@crm-sync/model'
import type { CustomerProjection } from '@crm-sync/sync-client'
import * as Y from 'yjs'
import { filterRows, sortRows, type CustomerQuery, type ListRow, type SortOrder } from '../lib/customer-query'
import { summarize, summarizeCustomer, type CustomerSummary } from '../lib/customer-summary'
import type { LastChangeStore } from '../lib/last-change-store'

/** Where the rows come from: nothing yet, the saved projection, or the live document. */
export type IndexSource = 'none' | 'projection' | 'document'
/** Why listeners are told: rows changed, or they now come from another source. */
export type IndexChange = 'rows' | 'source'
/** Of a projection, what `follow()` needs to know whether rows read from it still stand. */
export type ProjectionBasis = Pick<CustomerProjection, 'stale' | 'matches'>

export class CustomerIndex {
  private readonly rows = new Map<string, ListRow>()
  private readonly sorted = new Map<SortOrder, ListRow[]>()
  private readonly listeners = new Set<(change: IndexChange) => void>()
  private readonly customers: Y.Map<Y.Map<unknown>>
  /** Bumped on every change, so views can tell whether their results are stale. */
  version = 0
  source: IndexSource = 'none'
  private disposed = false
  /** What the projected rows were read from, to tell in `follow()` whether they still stand. */
  private basis: ProjectionBasis | null = null

  constructor(private readonly doc: Y.Doc, private readonly lastChanges: LastChangeStore, private readonly now: () => number = Date.now) {
    this.customers = customersMap(doc)
  }

  /** Rows from the saved projection, until `follow()`; ignored once the document is followed. */
  showProjection(customers: readonly Customer[], basis: ProjectionBasis | null = null): void {
    if (this.source === 'document' || this.disposed) return
    this.rows.clear()
    for (const c of customers) this.rows.set(c.id, this.row(summarizeCustomer(c)))
    this.basis = basis
    this.source = 'projection'
    this.changed('source')
  }

  /**
   * Rows from the live document from now on (replacing projected ones), kept current by its events.
   * When the projection was read from exactly the document's state, its rows (and their sorted
   * views) stand and only its stale entries are read again: for 10,000 customers that saves reading
   * and sorting every row on the main thread right after the document's own long load.
   */
  follow(): void {
    if (this.source === 'document' || this.disposed) return
    const basis = this.basis
    this.basis = null
    const projectionStands = this.source === 'projection' && basis !== null && basis.matches(this.doc)
    if (projectionStands) {
      for (const id of basis.stale) this.reread(id, false)
    } else {
      this.rows.clear()
      for (const [id, map] of this.customers.entries()) if (map instanceof Y.Map) this.put(id, map, false)
    }
    this.customers.observeDeep(this.onChange)
    this.source = 'document'
    this.changed('source', projectionStands && basis.stale.size === 0)
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

  subscribe(fn: (change: IndexChange) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  dispose(): void {
    if (this.source === 'document') this.customers.unobserveDeep(this.onChange)
    this.disposed = true
    this.listeners.clear()
  }

  /** `changed`: an edit to a customer already known (stamped now), not its arrival. */
  private put(id: string, map: Y.Map<unknown>, changed: boolean): void {
    if (changed) this.lastChanges.set(id, this.now())
    this.rows.set(id, this.row(summarize(id, map)))
  }

  private row(summary: CustomerSummary): ListRow {
    return { ...summary, lastChange: this.lastChanges.get(summary.id) ?? summary.createdAt }
  }

  /** A customer's row from the document again (gone from it: dropped). */
  private reread(id: string, changed: boolean): void {
    const map = this.customers.get(id)
    if (map instanceof Y.Map) this.put(id, map, changed)
    else this.rows.delete(id)
  }

  private changed(change: IndexChange, rowsUnchanged = false): void {
    if (!rowsUnchanged) this.sorted.clear()
    this.version++
    for (const fn of [...this.listeners]) fn(change)
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
    for (const [id, changed] of touched) this.reread(id, changed)
    this.changed('rows')
  }
}
