// The books the user may open: fetched from the API when online, kept on the device for
// offline starts, so the picker (and the book's role) work with no network.
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { listBooks } from '../lib/api'
import type { BookEntry, Session, SessionStore } from '../lib/session-store'

export class BooksController implements ReactiveController {
  books: BookEntry[] | null = null
  loading = false
  error: string | null = null
  private userId: string | null = null

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly store: SessionStore,
    private readonly session: () => Session | null,
  ) {
    host.addController(this)
    // The kept list at once, so a book opened from a reload knows the user's role (viewer or not).
    this.userId = session()?.userId ?? null
    this.books = this.userId ? store.loadBooks(this.userId) : null
  }

  hostConnected(): void {
    if (this.userId) void this.refresh()
    window.addEventListener('online', this.onOnline)
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.onOnline)
  }

  hostUpdate(): void {
    const userId = this.session()?.userId ?? null
    if (userId === this.userId) return
    this.userId = userId
    this.books = userId ? this.store.loadBooks(userId) : null
    if (userId) void this.refresh()
  }

  find(bookId: string): BookEntry | undefined {
    return this.books?.find((b) => b.id === bookId)
  }

  async refresh(): Promise<void> {
    const session = this.session()
    if (!session || this.loading) return
    this.loading = true
    this.error = null
    this.host.requestUpdate()
    try {
      const books = await listBooks(session.token)
      if (this.session()?.userId !== session.userId) return
      this.books = books
      this.store.saveBooks(session.userId, books)
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e)
    } finally {
      this.loading = false
      this.host.requestUpdate()
    }
  }

  private readonly onOnline = () => void this.refresh()
}
