// BookDirectory kept in process memory: for tests and throwaway dev instances.
import { lastOwnerError, leavesNoOwner, type BookDirectory, type BookInfo, type BookMembership, type Member, type Role } from './book-directory'
import { checkId, checkName, checkRole } from './book-directory-input'
import { StoreError } from './store-error'
import { createStoreGate } from './store-gate'

const ownersOf = (members: ReadonlyMap<string, Role>): string[] => [...members].filter(([, role]) => role === 'owner').map(([userId]) => userId)

export interface MemoryBookDirectoryOptions {
  /** Clock for `createdAt` (ms since the epoch); Date.now by default. */
  readonly now?: () => number
}

interface MemoryBook {
  readonly info: BookInfo
  /** userId -> role, in insertion order. */
  readonly members: Map<string, Role>
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

export function createMemoryBookDirectory(opts: MemoryBookDirectoryOptions = {}): BookDirectory {
  const now = opts.now ?? Date.now
  const gate = createStoreGate('memory BookDirectory')
  const books = new Map<string, MemoryBook>()

  return {
    createBook: ({ id, name, createdBy }) =>
      gate.run('createBook', () => {
        checkId('id', id)
        checkName(name)
        checkId('createdBy', createdBy)
        if (books.has(id)) throw new StoreError('conflict', `book ${id} already exists`)
        const info: BookInfo = { id, name, createdBy, createdAt: now() }
        books.set(id, { info, members: new Map([[createdBy, 'owner']]) })
        return { ...info }
      }),

    getBook: (bookId) =>
      gate.run('getBook', () => {
        checkId('bookId', bookId)
        const book = books.get(bookId)
        return book ? { ...book.info } : null
      }),

    listBooksFor: (userId) =>
      gate.run('listBooksFor', () => {
        checkId('userId', userId)
        const out: BookMembership[] = []
        for (const { info, members } of books.values()) {
          const role = members.get(userId)
          if (role) out.push({ ...info, role })
        }
        return out.sort((a, b) => byString(a.name, b.name) || byString(a.id, b.id))
      }),

    roleOf: (bookId, userId) =>
      gate.run('roleOf', () => {
        checkId('bookId', bookId)
        checkId('userId', userId)
        return books.get(bookId)?.members.get(userId) ?? null
      }),

    rolesOf: (bookId, userIds) =>
      gate.run('rolesOf', () => {
        checkId('bookId', bookId)
        for (const userId of userIds) checkId('userId', userId)
        const members = books.get(bookId)?.members
        const out = new Map<string, Role>()
        for (const userId of userIds) {
          const role = members?.get(userId)
          if (role) out.set(userId, role)
        }
        return out
      }),

    setMember: (bookId, userId, role) =>
      gate.run('setMember', () => {
        checkId('bookId', bookId)
        checkId('userId', userId)
        checkRole(role)
        const book = books.get(bookId)
        if (!book) throw new StoreError('not-found', `book ${bookId} does not exist`)
        if (leavesNoOwner(ownersOf(book.members), userId, role)) throw lastOwnerError(bookId)
        book.members.set(userId, role)
      }),

    removeMember: (bookId, userId) =>
      gate.run('removeMember', () => {
        checkId('bookId', bookId)
        checkId('userId', userId)
        const members = books.get(bookId)?.members
        if (!members) return
        if (leavesNoOwner(ownersOf(members), userId, null)) throw lastOwnerError(bookId)
        members.delete(userId)
      }),

    listMembers: (bookId) =>
      gate.run('listMembers', () => {
        checkId('bookId', bookId)
        const members = books.get(bookId)?.members ?? new Map<string, Role>()
        return [...members]
          .map(([userId, role]): Member => ({ userId, role }))
          .sort((a, b) => byString(a.userId, b.userId))
      }),

    async close() {
      gate.close()
    },
  }
}
