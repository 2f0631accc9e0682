// The open book's sync status for an element, whether the browser has a network (the app connects
// the book whenever it has: a book not connected yet is then connecting, not offline), and a clock
// tick so "last synced 2 min ago" stays true while nothing else changes.
import { ContextConsumer } from '@lit/context'
import type { SyncStatus } from '@crm-sync/sync-client'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { BookSession } from '../book/book-session'
import type { Role } from '../lib/session-store'
import { bookSessionContext } from '../context/book-session-context'

const TICK_MS = 20_000

export class SyncStatusController implements ReactiveController {
  status: SyncStatus | null = null
  /** navigator.onLine, kept current by the online/offline events. */
  online = navigator.onLine
  now = Date.now()
  private unsubscribe: (() => void) | null = null
  private book: BookSession | null = null
  private timer: ReturnType<typeof setInterval> | null = null

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this)
    new ContextConsumer(host, { context: bookSessionContext, subscribe: true, callback: (b) => this.attach(b ?? null) })
  }

  hostConnected(): void {
    this.online = navigator.onLine
    window.addEventListener('online', this.onNetwork)
    window.addEventListener('offline', this.onNetwork)
    this.timer = setInterval(() => {
      this.now = Date.now()
      this.host.requestUpdate()
    }, TICK_MS)
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.onNetwork)
    window.removeEventListener('offline', this.onNetwork)
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.attach(null)
  }

  private readonly onNetwork = () => {
    this.online = navigator.onLine
    this.host.requestUpdate()
  }

  /** The open book is read-only for this user now (a viewer, or a role not known yet). */
  get readOnly(): boolean {
    return this.book?.readOnly ?? false
  }

  /** The user's role in the open book as the book list says (null: not known yet). */
  get role(): Role | null {
    return this.book?.role ?? null
  }

  get bookId(): string | null {
    return this.book?.bookId ?? null
  }

  private attach(book: BookSession | null): void {
    this.unsubscribe?.()
    this.unsubscribe = null
    this.book = book
    this.status = book?.handle.status ?? null
    if (book) {
      const offStatus = book.handle.on('status', (s) => {
        this.status = s
        this.now = Date.now()
        this.host.requestUpdate()
      })
      const offRole = book.onRoleChange(() => this.host.requestUpdate())
      this.unsubscribe = () => {
        offStatus()
        offRole()
      }
    }
    this.host.requestUpdate()
  }
}
