// The customer list's state: the query (search text, status filter, sort) and its results,
// recomputed when the query or the book changes. Book changes arrive in bursts while syncing,
// so results are recomputed at most once per frame (16 ms); a switch of source (the saved
// projection at first, then the live document) is shown at once, and marked for User Timing.
import { ContextConsumer } from '@lit/context'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { MARKS, type BookSession } from '../book/book-session'
import type { IndexSource } from '../book/customer-index'
import { bookSessionContext } from '../context/book-session-context'
import { DEFAULT_QUERY, type CustomerQuery, type ListRow } from '../lib/customer-query'

export class CustomerListController implements ReactiveController {
  query: CustomerQuery = DEFAULT_QUERY
  rows: ListRow[] = []
  /** Customers in the book that are not archived, whatever the query. */
  total = 0
  book: BookSession | null = null
  /** Where `rows` come from: 'projection' = as saved on this device, while the book loads. */
  source: IndexSource = 'none'
  private markedSource: IndexSource = 'none'
  /** Stops following the index and the role (the toolbar offers "New" and "Import" to writers only). */
  private unsubscribe: (() => void) | null = null
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this)
    new ContextConsumer(host, { context: bookSessionContext, subscribe: true, callback: (b) => this.attach(b ?? null) })
  }

  hostConnected(): void {}

  hostUpdated(): void {
    // The rows of a new source are in the DOM now.
    if (this.source === this.markedSource || this.source === 'none') return
    this.markedSource = this.source
    globalThis.performance?.mark?.(MARKS.customersShown, { detail: { source: this.source, count: this.total } })
  }

  hostDisconnected(): void {
    this.attach(null)
  }

  setQuery(patch: Partial<CustomerQuery>): void {
    this.query = { ...this.query, ...patch }
    this.recompute()
  }

  private attach(book: BookSession | null): void {
    if (book === this.book && (book !== null) === (this.unsubscribe !== null)) return
    this.unsubscribe?.()
    this.unsubscribe = null
    this.book = book
    this.markedSource = 'none'
    if (book) {
      const offIndex = book.index.subscribe((change) => (change === 'source' ? this.recompute() : this.schedule()))
      const offRole = book.onRoleChange(() => this.host.requestUpdate())
      this.unsubscribe = () => {
        offIndex()
        offRole()
      }
    }
    this.recompute()
  }

  private schedule(): void {
    // A timer, not requestAnimationFrame: background tabs get no frames but must stay current.
    if (this.timer !== null) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.recompute()
    }, 16)
  }

  private recompute(): void {
    const index = this.book?.index
    this.source = index?.source ?? 'none'
    this.rows = index ? index.query(this.query) : []
    this.total = index ? index.query({ ...DEFAULT_QUERY, sort: this.query.sort }).length : 0
    this.host.requestUpdate()
  }
}
