// Where the signed-in user's books live on this device: one IndexedDB database per user and book
// ('crm-sync-book:<user>:<book>'), so that on a shared device one user's unsaved edits are never
// loaded, shown or sent under another user's session. The databases from before (one per book,
// 'crm-sync-book:<book>', used by whoever was signed in) are taken to be the first user's to open
// a book with this version, the one signed in across the update, as a rule: only that user's
// store adopts them (indexeddb-adopt.ts); other users never see them.
import { createIndexedDbStore, DEFAULT_DATABASE_PREFIX, type IndexedDbStoreOptions, type LocalStore } from '@crm-sync/sync-client'
import type { KeyValueStorage } from './last-change-store'

/** Who the per-book databases from before belong to (written once, by the first user to open a book). */
export const LEGACY_OWNER_KEY = 'crm:legacy-books-owner'

const ownPrefix = (userId: string): string => `${DEFAULT_DATABASE_PREFIX}${encodeURIComponent(userId)}:`

/** The user's own databases only: for looking and removing, never adopting. */
export const userStoreOptions = (userId: string): IndexedDbStoreOptions => ({ databasePrefix: ownPrefix(userId) })

/**
 * For opening a book: the user's own databases, adopting the ones from before when they are this
 * user's (the first to open a book claims them; `storage` keeps the claim, null: no adopting).
 */
export const openingStoreOptions = (userId: string, storage: KeyValueStorage | null): IndexedDbStoreOptions => {
  let owner: string | null = null
  try {
    owner = storage?.getItem(LEGACY_OWNER_KEY) ?? null
    if (owner === null && storage) {
      storage.setItem(LEGACY_OWNER_KEY, userId)
      owner = userId
    }
  } catch (e) {
    console.warn('could not read who the books kept before belong to; leaving them', e)
  }
  return owner === userId ? { ...userStoreOptions(userId), adoptFromPrefix: DEFAULT_DATABASE_PREFIX } : userStoreOptions(userId)
}

/**
 * The cross-tab channel of the user's book: the tabs of one user share it (a removal is announced
 * on it), and another user's tabs never carry this user's document.
 */
export const userChannel = (userId: string, bookId: string): string => `crm-sync:v2:${encodeURIComponent(userId)}:${bookId}`

/** The user's books on this device; close it when done (it holds database connections). */
export const userStore = (userId: string, opts: IndexedDbStoreOptions = userStoreOptions(userId)): LocalStore => createIndexedDbStore(opts)
