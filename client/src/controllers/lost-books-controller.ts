// The books this device holds for the user that their book list lacks: removed from them while the
// device kept its copy, perhaps with edits the server never took. The book picker lists them so the
// user can find them (the book's access screen then offers to remove the copy); without this they
// would only be found by going to the book's address. Looked up again when the list, the user or
// this tab's removal changes, and when another tab's removal of one of the books it found ended
// (heard on the book's channel of this user, watchLocalBookRemoval: no polling).
import { findLocalBook, listLocalBooks, watchLocalBookRemoval } from '@crm-sync/sync-client'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { userChannel, userStore, userStoreOptions } from '../lib/local-books'
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
  /** Removals of the books looked at, heard to have ended (another tab's: this tab removes away from the picker). */
  private removedElsewhere = 0
  /** The user whose books are watched, and the watch of each book the last lookup looked at, by id. */
  private watched: { readonly userId: string; readonly stops: Map<string, () => void> } | null = null

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly inputs: () => LostBooksInputs,
  ) {
    host.addController(this)
  }

  hostDisconnected(): void {
    this.unwatch()
    this.checked = null // connected again: look (and watch) afresh
  }

  hostUpdate(): void {
    const { userId, listed, removal } = this.inputs()
    const key = userId === null || listed === null
      ? null
      : JSON.stringify([userId, [...listed].sort(), removal?.bookId ?? null, removal?.state ?? null, this.removedElsewhere])
    if (key === this.checked) return
    this.checked = key
    this.answered = false
    if (this.watched?.userId !== userId || key === null) this.unwatch() // no picker, or another user's
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
      const unlisted = (await listLocalBooks(options)).filter((bookId) => !listed.has(bookId))
      if (this.checked !== key) return
      this.watch(userId, unlisted) // before reading them: a removal from now on is heard
      for (const bookId of unlisted) {
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

  /** Watches exactly these books of the user for another tab's removal (the user's channel and store). */
  private watch(userId: string, bookIds: readonly string[]): void {
    if (this.watched?.userId !== userId) this.unwatch()
    const stops = this.watched?.stops ?? new Map<string, () => void>()
    this.watched = { userId, stops }
    for (const [bookId, stop] of stops) {
      if (bookIds.includes(bookId)) continue
      stop()
      stops.delete(bookId)
    }
    const store = userStore(userId) // names the book's lease; opens nothing
    for (const bookId of bookIds) {
      if (stops.has(bookId)) continue
      stops.set(bookId, watchLocalBookRemoval({ bookId, store, crossTabChannel: userChannel(userId, bookId) }, () => {
        this.removedElsewhere++
        this.host.requestUpdate()
      }))
    }
  }

  private unwatch(): void {
    for (const stop of this.watched?.stops.values() ?? []) stop()
    this.watched = null
  }
}
