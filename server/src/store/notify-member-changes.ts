// A BookDirectory that says so after a membership change is stored (a role set, a member removed),
// so that the relay applies it to open connections at once: without it a removed member kept
// reading and writing the book until their socket happened to reconnect.
import type { BookDirectory } from './book-directory'

/**
 * Called after the change is stored, and awaited: the change's caller (an HTTP answer) comes
 * after the open connections follow it. Must not reject (the change is made either way).
 */
export type MemberChangeListener = (bookId: string, userId: string) => Promise<void>

export const notifyMemberChanges = (directory: BookDirectory, listener: MemberChangeListener): BookDirectory => ({
  createBook: (book) => directory.createBook(book),
  getBook: (bookId) => directory.getBook(bookId),
  listBooksFor: (userId) => directory.listBooksFor(userId),
  roleOf: (bookId, userId) => directory.roleOf(bookId, userId),
  rolesOf: (bookId, userIds, opts) => directory.rolesOf(bookId, userIds, opts),
  listMembers: (bookId) => directory.listMembers(bookId),
  close: () => directory.close(),
  async setMember(bookId, userId, role) {
    await directory.setMember(bookId, userId, role)
    await listener(bookId, userId)
  },
  async removeMember(bookId, userId) {
    await directory.removeMember(bookId, userId)
    await listener(bookId, userId)
  },
})
