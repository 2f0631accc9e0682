// The customer list's state: the query (search text, status filter, sort) and its results,
// recomputed when the query or the book changes. Book changes arrive in bursts while syncing,
// so results are recomputed at most once per frame (16 ms).
import { ContextConsumer } from '@lit/context'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { BookSession } from '../book/book-session'
import { bookSessionContext } from '../context/book-session-context'
import { DEFAULT_QUERY, type CustomerQuery, type ListRow } from '../lib/customer-query'

export class CustomerListController implements ReactiveController {
  query: CustomerQuery = DEFAULT_QUERY
  rows: ListRow[] = []
  /** Customers in the book that are not archived, whatever the query. */
  total = 0
  book: BookSession | null = null
  private unsubscribe: (() => void) | null = null
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this)
    new ContextConsumer(host, { context: bookSessionContext, subscribe: true, callback: (b) => this.attach(b ?? null) })
  }

  hostConnected(): void {}

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
    if (book) this.unsubscribe = book.index.subscribe(() => this.schedule())
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
    this.rows = index ? index.query(this.query) : []
    this.total = index ? index.query({ ...DEFAULT_QUERY, sort: this.query.sort }).length : 0
    this.host.requestUpdate()
  }
}
