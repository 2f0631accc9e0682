// The books this device holds for the user that their book list lacks: removed from them while the
// device kept its copy, perhaps with edits the server never took. The book picker lists them so the
// user can find them (the book's access screen then offers to remove the copy); without this they
// would only be found by going to the book's address. Looked up again when the list, the user or
// a removal changes.
import { findLocalBook, listLocalBooks } from '@crm-sync/sync-client'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { userStoreOptions } from '../lib/local-books'
import type { LocalRemoval } from '../lib/local-removal'
import type { LocalCopy } from './local-copy-controller'

export interface LostBooksInputs {
  readonly userId: string | null
  /** The ids of the user's book list; null: none to compare with (or nothing to show now). */
  readonly listed: readonly string[] | null
  /** This tab's last removal: once one ends, what is left is looked up again. */
  readonly removal: LocalRemoval | null
}

export class LostBooksController implements ReactiveController {
  /** Stored books the list lacks that hold something, by id; [] before the lookup answered. */
  copies: readonly LocalCopy[] = []
  /** The lookup for the current user, list and removal has answered (`copies` are its). */
  answered = false
  /** What was looked up last: the user, the list and the removal state it followed. */
  private checked: string | null = null

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly inputs: () => LostBooksInputs,
  ) {
    host.addController(this)
  }

  hostUpdate(): void {
    const { userId, listed, removal } = this.inputs()
    const key = userId === null || listed === null
      ? null
      : JSON.stringify([userId, [...listed].sort(), removal?.bookId ?? null, removal?.state ?? null])
    if (key === this.checked) return
    this.checked = key
    this.answered = false
    if (key === null || userId === null || listed === null) {
      this.copies = []
      return
    }
    if (removal?.state === 'removing') return // the book is going: look once it has gone
    void this.lookUp(userId, new Set(listed), key)
  }

  private async lookUp(userId: string, listed: ReadonlySet<string>, key: string): Promise<void> {
    const copies: LocalCopy[] = []
    try {
      const options = userStoreOptions(userId)
      for (const bookId of await listLocalBooks(options)) {
        if (listed.has(bookId)) continue
        const stats = await findLocalBook(bookId, options)
        if (stats) copies.push({ bookId, stats })
      }
    } catch (e) {
      console.warn('could not list the books stored on this device', e)
    }
    if (this.checked !== key) return // asked about another user or list meanwhile
    this.copies = copies
    this.answered = true
    this.host.requestUpdate()
  }
}
