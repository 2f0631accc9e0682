// Where removing a book's data from this device got (removeLocalBook): the refused edits of a
// viewer discarded, or the copy of a book the user lost access to removed. Shown by the screen
// that offered it; a removal outlives the book session it started from (that one is closed by it).
import { isSyncClientError } from '@crm-sync/sync-client'

export interface LocalRemoval {
  readonly bookId: string
  readonly state: 'removing' | 'done' | 'failed'
  /** Why it failed, in words for the user. */
  readonly error: string | null
}

/** The failure as the screen says it. */
export const removalError = (e: unknown): string =>
  isSyncClientError(e, 'book-in-use')
    ? 'The book is still open in another tab or window that did not let it go, or still loading here. Close it there, or wait, and try again.'
    : `It could not be removed from this device: ${e instanceof Error ? e.message : String(e)}`
