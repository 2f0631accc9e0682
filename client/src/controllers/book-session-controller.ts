// Opens the book the route names (and closes the one before), but only once the signed-in user's
// book list has it: otherwise the book's data on this device would be anyone's who has its URL.
// The role that list gives is applied to the open book whenever it changes. It follows the
// device's network: the browser's offline/online events disconnect and reconnect the relay at
// once, so the badge says "offline" the moment the phone loses its network instead of after a
// socket timeout. When the page is hidden (and may be killed without another event: a reload or a
// closed tab runs no more than that handler and its microtasks) it writes what is queued now, the
// customer projection included, so the next start shows the list as it was left; a reload into a
// new app version goes through the same save first (saveBeforeReload). When the relay says the
// user is no longer a member, or no longer may write (a membership changed while the book was
// open), or tells a role the book list does not give (a viewer made editor), `membershipChanged`
// asks for the book list again, which then closes the book or applies the new role. `removeFromDevice` deletes a book's data here (a viewer's refused edits, or a book
// the user lost access to); every tab with that book open lets it go and opens it again empty,
// to sync afresh.
import { removeLocalBook, type GetToken, type SyncErrorCode } from '@crm-sync/sync-client'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { BookSession } from '../book/book-session'
import { forgetBookDrafts, sessionDraftStorage } from '../lib/draft-store'
import { userChannel, userStore } from '../lib/local-books'
import { removalError, type LocalRemoval } from '../lib/local-removal'
import { onPageHidden } from '../lib/page-hide'
import type { BookEntry, Session } from '../lib/session-store'

export interface BookSessionInputs {
  readonly session: Session | null
  /** The route's book as the user's book list has it; null: no book route, or not (yet) a member. */
  readonly book: BookEntry | null
  readonly getToken: GetToken
}

export const relayUrl = (): string => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync`

/** The relay's refusals that mean the user's membership changed: the book list is out of date. */
const ACCESS_ERRORS: ReadonlySet<SyncErrorCode> = new Set(['not-member', 'read-only'])

export class BookSessionController implements ReactiveController {
  current: BookSession | null = null
  /** The last removal of a book's data asked for in this tab, while its screen may show it. */
  removal: LocalRemoval | null = null
  private stopWatching: (() => void) | null = null

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly inputs: () => BookSessionInputs,
    private readonly changed: (session: BookSession | null) => void,
    /**
     * The relay says the user's membership is not what the book list says: refused (removed from
     * the book, or no longer allowed to write), or told another role (promoted, say).
     */
    private readonly membershipChanged: () => void = () => {},
  ) {
    host.addController(this)
  }

  hostConnected(): void {
    window.addEventListener('online', this.onOnline)
    window.addEventListener('offline', this.onOffline)
    document.addEventListener('visibilitychange', this.onVisibility)
    window.addEventListener('pagehide', this.onPageHide) // Safari's last event on a closed tab (too late in Chromium)
    this.sync()
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.onOnline)
    window.removeEventListener('offline', this.onOffline)
    document.removeEventListener('visibilitychange', this.onVisibility)
    window.removeEventListener('pagehide', this.onPageHide)
    this.replace(null)
  }

  hostUpdate(): void {
    this.sync()
  }

  /**
   * Deletes the book's data from this device (removeLocalBook): the open book, here and in every
   * other tab, is let go and opened again empty, and syncs afresh. `removal` says how it went.
   */
  async removeFromDevice(bookId: string): Promise<void> {
    const session = this.inputs().session
    if (this.removal?.state === 'removing' || !session) return
    this.removal = { bookId, state: 'removing', error: null }
    this.host.requestUpdate()
    const store = userStore(session.userId)
    try {
      await removeLocalBook({ bookId, store, crossTabChannel: userChannel(session.userId, bookId) })
      // What was typed into its forms goes with it (also when no book of this tab was open: every
      // tab that had it open forgot its own when told of the removal, above).
      forgetBookDrafts(sessionDraftStorage(), session.userId, bookId)
      this.removal = { bookId, state: 'done', error: null }
    } catch (e) {
      console.error(`removing book ${bookId} from this device failed`, e)
      this.removal = { bookId, state: 'failed', error: removalError(e) }
    } finally {
      await store.close()
    }
    this.host.requestUpdate()
  }

  private sync(): void {
    const { session, book } = this.inputs()
    const want = session && book ? `${session.userId}/${book.id}` : null
    const have = this.current ? `${this.current.userId}/${this.current.bookId}` : null
    if (want === have) {
      if (book) this.current?.setRole(book.role)
      return
    }
    this.replace(this.open())
  }

  /**
   * Opens the book again: its data was removed from this device (here or in another tab), or its
   * stored state could not be read (the user asked to try again).
   */
  reopen(): void {
    if (this.current) this.replace(this.open())
  }

  private open(): BookSession | null {
    const { session, book, getToken } = this.inputs()
    return session && book
      ? new BookSession({
          bookId: book.id,
          bookName: book.name,
          role: book.role,
          session,
          getToken,
          serverUrl: relayUrl(),
          httpUrl: location.origin,
          online: navigator.onLine,
          storage: localStorage,
          draftStorage: sessionDraftStorage(),
        })
      : null
  }

  private replace(next: BookSession | null): void {
    const previous = this.current
    this.current = next
    this.watchAccess(next)
    if (previous) previous.close().catch((e: unknown) => console.error('closing the book failed', e))
    this.changed(next)
    this.host.requestUpdate()
  }

  /** Once per refusal or role told (not on every status while it lasts). */
  private watchAccess(book: BookSession | null): void {
    this.stopWatching?.()
    this.stopWatching = null
    if (!book) return
    let last: SyncErrorCode | undefined
    let lastRole = book.handle.status.role
    this.stopWatching = book.handle.on('status', (s) => {
      const code = s.error?.code
      if (code !== undefined && code !== last && ACCESS_ERRORS.has(code)) this.membershipChanged()
      else if (s.role !== lastRole && s.role !== null && s.role !== book.role) this.membershipChanged()
      lastRole = s.role
      // After the status listeners ran: the handle is closing itself. What was typed into the
      // book's forms in this tab goes with its data, before the book opens again and reads it.
      if (code === 'removed' && code !== last) {
        queueMicrotask(() => {
          if (this.current !== book) return
          forgetBookDrafts(sessionDraftStorage(), book.userId, book.bookId)
          this.reopen()
        })
      }
      last = code
    })
  }

  private readonly onOnline = () => this.current?.handle.connect()
  private readonly onOffline = () => this.current?.handle.disconnect()
  private readonly onVisibility = () => {
    if (document.visibilityState === 'hidden') this.saveNow()
  }

  private readonly onPageHide = () => this.saveNow()

  /** Typed text first; flush() commits the queued updates before it returns: the page may be unloaded next. */
  private saveNow(): void {
    this.flushOpenBook().catch((e: unknown) => console.error('saving the book before the page was hidden failed', e))
  }

  /**
   * Before the app reloads itself (a new version the user asked for): the same save as when the
   * page is hidden, and resolves once the book is written (rejects when a write failed).
   */
  saveBeforeReload(): Promise<void> {
    return this.flushOpenBook()
  }

  private flushOpenBook(): Promise<void> {
    let saved: Promise<void> = Promise.resolve()
    onPageHidden(() => {
      if (this.current) saved = this.current.handle.flush()
    })
    return saved
  }
}
