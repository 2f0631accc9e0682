// The books the user may open: fetched from the API when online, kept on the device (per user)
// for offline starts, so the picker, the book's role and whether the user may open a book at all
// are known with no network. Fetched again when the app comes back to the front (a minute or more
// after the last answer) and every few minutes while it is in front: books and roles change on
// other devices.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { listBooks } from '../lib/api'
import type { BookEntry, Session, SessionStore } from '../lib/session-store'
import type { TokenSource } from './session-controller'

/**
 * May the signed-in user open a book? `checking`: not in the kept list and the fetch has not
 * answered yet; `denied`: not in the list the server just gave; `unknown`: the fetch failed and
 * the kept list (if any) lacks it, which may only mean it is older than the membership.
 */
export type BookAccess = 'member' | 'checking' | 'denied' | 'unknown'

/** Back in front after this long since the last answer: fetch again. */
export const REFRESH_ON_RETURN_MS = 60_000
/** While in front and online: fetch again this often. */
export const REFRESH_EVERY_MS = 5 * 60_000

export class BooksController implements ReactiveController {
  books: BookEntry[] | null = null
  error: string | null = null
  private userId: string | null = null
  /** The fetch in flight, for whom: a newer user's fetch is not held up by the previous one's. */
  private request: { readonly userId: string } | null = null
  /** A fetch for the current user has answered (or failed) since they became the current user. */
  private settled = false
  /** ...and one of them answered: only the server's own list says a user is not a member. */
  private confirmed = false
  /** When a fetch last settled (answered or failed), ms since the epoch. */
  private settledAt = 0
  private timer: ReturnType<typeof setInterval> | null = null
  /** refresh() was asked for while a fetch was in flight. */
  private again = false

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly store: SessionStore,
    private readonly session: () => Session | null,
    private readonly tokens: TokenSource,
  ) {
    host.addController(this)
    // The kept list at once, so a book opened from a reload knows the user's role (viewer or not).
    this.userId = session()?.userId ?? null
    this.books = this.userId ? store.loadBooks(this.userId) : null
  }

  get loading(): boolean {
    return this.request !== null && this.request.userId === this.userId
  }

  hostConnected(): void {
    if (this.userId) void this.refresh()
    window.addEventListener('online', this.onOnline)
    document.addEventListener('visibilitychange', this.onVisibility)
    this.timer = setInterval(this.onTick, REFRESH_EVERY_MS)
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.onOnline)
    document.removeEventListener('visibilitychange', this.onVisibility)
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  hostUpdate(): void {
    const userId = this.session()?.userId ?? null
    if (userId === this.userId) return
    this.userId = userId
    this.books = userId ? this.store.loadBooks(userId) : null
    this.error = null
    this.settled = false
    this.confirmed = false
    if (userId) void this.refresh()
  }

  find(bookId: string): BookEntry | undefined {
    return this.books?.find((b) => b.id === bookId)
  }

  access(bookId: string): BookAccess {
    if (this.find(bookId)) return 'member'
    if (this.loading || !this.settled) return 'checking'
    // The kept list may be older than a membership (a rep offline for days): not known, not denied.
    return this.confirmed ? 'denied' : 'unknown'
  }

  async refresh(): Promise<void> {
    const session = this.session()
    if (!session) return
    if (this.loading) {
      // The answer in flight may be older than what made us ask (a refusal by the relay): ask again after it.
      this.again = true
      return
    }
    const request = { userId: session.userId }
    this.request = request
    this.error = null
    this.host.requestUpdate()
    const current = () => this.session()?.userId === session.userId
    try {
      const books = await this.tokens.withToken((token) => listBooks(token))
      if (!current()) return
      this.books = books
      this.confirmed = true
      this.store.saveBooks(session.userId, books)
    } catch (e) {
      if (current()) this.error = e instanceof Error ? e.message : String(e)
    } finally {
      if (this.request === request) this.request = null
      if (current()) {
        this.settled = true
        this.settledAt = Date.now()
      }
      this.host.requestUpdate()
      if (this.again) {
        this.again = false
        void this.refresh()
      }
    }
  }

  private readonly onOnline = () => void this.refresh()

  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible' && Date.now() - this.settledAt >= REFRESH_ON_RETURN_MS) void this.refresh()
  }

  private readonly onTick = () => {
    if (document.visibilityState === 'visible' && navigator.onLine) void this.refresh()
  }
}
