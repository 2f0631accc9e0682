// Whether this device still holds a book the user may not open (the book list says they are not
// a member: removed from it, or signed in as someone else on a shared device), so that the access
// screen can offer to remove it. Looked up when the book to check changes, and again after a
// removal of it ended.
import { findLocalBook, type LocalStoreStats } from '@crm-sync/sync-client'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { userStoreOptions } from '../lib/local-books'
import type { LocalRemoval } from '../lib/local-removal'

export interface LocalCopy {
  readonly bookId: string
  readonly stats: LocalStoreStats
}

export class LocalCopyController implements ReactiveController {
  /** The checked book's data on this device; null when it has none, or before the lookup answered. */
  copy: LocalCopy | null = null
  /** What was looked up last: the book id and the removal state it followed. */
  private checked: string | null = null

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The book to check for the user (null: none), and this tab's last removal. */
    private readonly inputs: () => { readonly userId: string | null; readonly bookId: string | null; readonly removal: LocalRemoval | null },
  ) {
    host.addController(this)
  }

  hostUpdate(): void {
    const { userId, bookId, removal } = this.inputs()
    const removing = removal?.bookId === bookId ? removal.state : 'none'
    const key = bookId === null || userId === null ? null : `${userId}/${bookId}/${removing}`
    if (key === this.checked) return
    this.checked = key
    this.copy = null // another book or user: what was found is not theirs
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
}
