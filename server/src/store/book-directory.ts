// Books and who may use them: the access-control list of the relay and the HTTP API.
import { StoreError } from './store-error'

export const ROLES = ['owner', 'editor', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export interface BookInfo {
  readonly id: string
  readonly name: string
  readonly createdBy: string
  /** ms since the epoch */
  readonly createdAt: number
}

export interface BookMembership extends BookInfo {
  readonly role: Role
}

export interface Member {
  readonly userId: string
  readonly role: Role
}

/** The error of a change that would leave a book without an owner. */
export const lastOwnerError = (bookId: string): StoreError => new StoreError('last-owner', `book ${bookId} keeps at least one owner`)

/** Whether giving `userId` the role `next` (null: removing them) takes the book's last owner away. */
export const leavesNoOwner = (owners: readonly string[], userId: string, next: Role | null): boolean =>
  next !== 'owner' && owners.length === 1 && owners[0] === userId

export interface RolesReadOptions {
  /** Most time (ms) the read may take, waiting for locks included. */
  readonly timeoutMs?: number
}

export interface BookDirectory {
  /** Creates the book with `createdBy` as its owner. Rejects with StoreError 'conflict' if the id exists. */
  createBook(book: { id: string; name: string; createdBy: string }): Promise<BookInfo>
  getBook(bookId: string): Promise<BookInfo | null>
  /** Books the user is a member of, with the user's role, ordered by name. */
  listBooksFor(userId: string): Promise<BookMembership[]>
  /** The user's role in the book, or null when not a member or the book does not exist. */
  roleOf(bookId: string, userId: string): Promise<Role | null>
  /**
   * The roles of those of `userIds` who are members of the book (the others are absent): one
   * read of those rows only, however many members the book has (the relay's recheck sweep).
   * With `timeoutMs`, a read still unanswered by then is ended (rejects with StoreError 'timeout')
   * and holds nothing of the store's past it: on PostgreSQL the server cancels the statement and
   * the connection goes back to the pool. The in-process stores answer at once and ignore it.
   */
  rolesOf(bookId: string, userIds: readonly string[], opts?: RolesReadOptions): Promise<Map<string, Role>>
  /**
   * Adds the member or changes the role. Rejects with StoreError 'not-found' for an unknown book,
   * and 'last-owner' (changing nothing) when it would leave the book without an owner.
   */
  setMember(bookId: string, userId: string, role: Role): Promise<void>
  /**
   * Removes the member (nothing for one who is not). Rejects with StoreError 'last-owner' when it
   * would leave the book without an owner. Both checks are atomic with the write: two owners
   * demoting or removing each other at once leave one of them owner.
   */
  removeMember(bookId: string, userId: string): Promise<void>
  listMembers(bookId: string): Promise<Member[]>
  close(): Promise<void>
}
