// Books and who may use them: the access-control list of the relay and the HTTP API.

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

export interface BookDirectory {
  /** Creates the book with `createdBy` as its owner. Rejects with StoreError 'conflict' if the id exists. */
  createBook(book: { id: string; name: string; createdBy: string }): Promise<BookInfo>
  getBook(bookId: string): Promise<BookInfo | null>
  /** Books the user is a member of, with the user's role, ordered by name. */
  listBooksFor(userId: string): Promise<BookMembership[]>
  /** The user's role in the book, or null when not a member or the book does not exist. */
  roleOf(bookId: string, userId: string): Promise<Role | null>
  /** Adds the member or changes the role. Rejects with StoreError 'not-found' for an unknown book. */
  setMember(bookId: string, userId: string, role: Role): Promise<void>
  removeMember(bookId: string, userId: string): Promise<void>
  listMembers(bookId: string): Promise<Member[]>
  close(): Promise<void>
}
