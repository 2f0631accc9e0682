// Membership checks shared by the HTTP routes: who may read, write or administer a book.
import { AuthError } from '../auth/auth-error'
import type { BookDirectory, Role } from '../store/book-directory'

const RANK: Record<Role, number> = { viewer: 0, editor: 1, owner: 2 }

export const requireRole = async (directory: BookDirectory, bookId: string, userId: string, atLeast: Role): Promise<Role> => {
  const role = await directory.roleOf(bookId, userId)
  if (!role) throw new AuthError('not-member', 'not a member of this book (or no such book)')
  if (RANK[role] < RANK[atLeast]) {
    throw new AuthError(atLeast === 'owner' ? 'not-owner' : 'read-only', `this needs the ${atLeast} role; you are ${role}`)
  }
  return role
}
