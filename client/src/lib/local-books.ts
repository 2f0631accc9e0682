// Where the signed-in user's books live on this device: one IndexedDB database per user and book
// ('crm-sync-book:<user>:<book>'), so that on a shared device one user's unsaved edits are never
// loaded, shown or sent under another user's session. A database from before (one per book,
// 'crm-sync-book:<book>') is adopted by the first user to open that book (indexeddb-adopt.ts).
import { createIndexedDbStore, DEFAULT_DATABASE_PREFIX, type IndexedDbStoreOptions, type LocalStore } from '@crm-sync/sync-client'

export const userStoreOptions = (userId: string): IndexedDbStoreOptions => ({
  databasePrefix: `${DEFAULT_DATABASE_PREFIX}${encodeURIComponent(userId)}:`,
  adoptFromPrefix: DEFAULT_DATABASE_PREFIX,
})

/**
 * The cross-tab channel of the user's book: the tabs of one user share it, and it names the book's
 * lease (a removal of bob's copy never waits for, nor closes, alice's handles of the same book).
 */
export const userChannel = (userId: string, bookId: string): string => `crm-sync:v2:${encodeURIComponent(userId)}:${bookId}`

/** The user's books on this device; close it when done (it holds database connections). */
export const userStore = (userId: string): LocalStore => createIndexedDbStore(userStoreOptions(userId))
