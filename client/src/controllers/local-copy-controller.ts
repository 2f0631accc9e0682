// Whether this device still holds a book the user may not open (the book list says they are not
// a member: removed from it, or signed in as someone else on a shared device), so that the access
// screen can offer to remove it. Looked up when the book to check changes, again after this tab's
// removal of it ended, and when any removal of it ended, another tab's included (heard on the
// user's channel of the book, watchLocalBookRemoval: no polling), so a copy removed elsewhere is
// no longer offered.
import { findLocalBook, watchLocalBookRemoval, type LocalStoreStats } from '@crm-sync/sync-client'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { userChannel, userStore, userStoreOptions } from '../lib/local-books'
import type { LocalRemoval } from '../lib/local-removal'

export interface LocalCopy {
  readonly bookId: string
  readonly stats: LocalStoreStats
}

export class LocalCopyController implements ReactiveController {
  /** The checked book's data on this device; null when it has none, or before the lookup answered. */
  copy: LocalCopy | null = null
  /** What was looked up last: the user, the book, the removal state it followed and the removals heard. */
  private checked: string | null = null
  /** The same without the removals heard: what the copy shown belongs to. */
  private checkedSubject: string | null = null
  /** Removals of the checked book heard to have ended (another tab's; this tab's own are heard too). */
  private removalsEnded = 0
  /** The user's book whose removals are watched ('<user>/<book>'), and how to stop. */
  private watched: { readonly book: string; readonly stop: () => void } | null = null

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The book to check for the user (null: none), and this tab's last removal. */
    private readonly inputs: () => { readonly userId: string | null; readonly bookId: string | null; readonly removal: LocalRemoval | null },
  ) {
    host.addController(this)
  }

  hostConnected(): void {
    this.host.requestUpdate() // connected again: look (and watch) afresh
  }

  hostDisconnected(): void {
    this.unwatch()
    this.checked = null
    this.checkedSubject = null
  }

  hostUpdate(): void {
    const { userId, bookId, removal } = this.inputs()
    const removing = removal?.bookId === bookId ? removal.state : 'none'
    const book = bookId === null || userId === null ? null : `${userId}/${bookId}`
    if (this.watched?.book !== book) {
      this.unwatch() // another screen, book or user
      // Before looking: a removal ending from now on is heard.
      if (book !== null && bookId !== null && userId !== null) this.watch(book, userId, bookId)
    }
    const subject = book === null ? null : `${book}/${removing}`
    const key = subject === null ? null : `${subject}/${this.removalsEnded}`
    if (key === this.checked) return
    // Another book, user or state of this tab's removal: what was found is not theirs, or is going.
    // Only a removal heard to have ended: the copy stays shown until the lookup answers (one that
    // gave up left it as it was).
    if (subject !== this.checkedSubject) this.copy = null
    this.checked = key
    this.checkedSubject = subject
    if (key === null || bookId === null || userId === null || removing === 'removing') return
    void this.lookUp(userId, bookId, key)
  }

  private async lookUp(userId: string, bookId: string, key: string): Promise<void> {
    let copy: LocalCopy | null = null
    try {
      const stats = await findLocalBook(bookId, userStoreOptions(userId))
      copy = stats ? { bookId, stats } : null
    } catch (e) {
      console.warn(`could not check whether book ${bookId} is stored on this device`, e)
    }
    if (this.checked !== key) return // asked about another book (or state) meanwhile
    this.copy = copy
    this.host.requestUpdate()
  }

  /** Watches the user's book for a removal ending (the user's channel and store, as removeFromDevice's). */
  private watch(book: string, userId: string, bookId: string): void {
    const stop = watchLocalBookRemoval({ bookId, store: userStore(userId), crossTabChannel: userChannel(userId, bookId) }, () => {
      this.removalsEnded++
      this.host.requestUpdate()
    })
    this.watched = { book, stop }
  }

  private unwatch(): void {
    this.watched?.stop()
    this.watched = null
  }
}
