// BookDirectory on SQLite: books and their members in the same file as the DocStore's log.
import { lastOwnerError, leavesNoOwner, type BookDirectory, type BookInfo, type BookMembership, type Member, type Role } from './book-directory'
import { checkId, checkName, checkRole } from './book-directory-input'
import type { SqliteDatabase } from './sqlite-database'
import { migrateSqlite } from './sqlite-migrations'
import { StoreError } from './store-error'
import { createStoreGate } from './store-gate'

export interface SqliteBookDirectoryOptions {
  /** close() also closes the database. Off by default: the DocStore shares the handle. */
  readonly closeDatabase?: boolean
  /** Clock for `createdAt` (ms since the epoch). */
  readonly now?: () => number
}

const DEFAULTS = { closeDatabase: false, now: Date.now } as const satisfies SqliteBookDirectoryOptions

interface BookRow {
  id: string
  name: string
  created_by: string
  created_at: number
}

const toInfo = (r: BookRow): BookInfo => ({
  id: r.id,
  name: r.name,
  createdBy: r.created_by,
  createdAt: r.created_at,
})

const isPrimaryKeyViolation = (e: unknown) =>
  e instanceof Error && 'code' in e && e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'

export function createSqliteBookDirectory(
  db: SqliteDatabase,
  opts: SqliteBookDirectoryOptions = {},
): BookDirectory {
  const o = { ...DEFAULTS, ...opts } satisfies SqliteBookDirectoryOptions
  const gate = createStoreGate('SQLite BookDirectory')
  migrateSqlite(db)

  const sql = {
    insertBook: db.prepare<[string, string, string, number]>(
      'INSERT INTO books (id, name, created_by, created_at) VALUES (?, ?, ?, ?)',
    ),
    getBook: db.prepare<[string], BookRow>('SELECT id, name, created_by, created_at FROM books WHERE id = ?'),
    booksFor: db.prepare<[string], BookRow & { role: Role }>(
      `SELECT b.id, b.name, b.created_by, b.created_at, m.role
         FROM members m JOIN books b ON b.id = m.book_id
        WHERE m.user_id = ? ORDER BY b.name, b.id`,
    ),
    roleOf: db
      .prepare<[string, string], Role>('SELECT role FROM members WHERE book_id = ? AND user_id = ?')
      .pluck(),
    // The users as one JSON array parameter: one statement for any number of them, and none of
    // SQLite's limit on bound parameters (IN (?, ?, ...) would need chunks); served by the primary key.
    rolesOf: db.prepare<[string, string], { user_id: string; role: Role }>(
      'SELECT user_id, role FROM members WHERE book_id = ? AND user_id IN (SELECT value FROM json_each(?))',
    ),
    upsertMember: db.prepare<[string, string, Role]>(
      `INSERT INTO members (book_id, user_id, role) VALUES (?, ?, ?)
       ON CONFLICT (book_id, user_id) DO UPDATE SET role = excluded.role`,
    ),
    removeMember: db.prepare<[string, string]>('DELETE FROM members WHERE book_id = ? AND user_id = ?'),
    members: db.prepare<[string], { user_id: string; role: Role }>(
      'SELECT user_id, role FROM members WHERE book_id = ? ORDER BY user_id',
    ),
    owners: db.prepare<[string], string>("SELECT user_id FROM members WHERE book_id = ? AND role = 'owner'").pluck(),
  }

  const createBook = db.transaction((book: BookInfo) => {
    try {
      sql.insertBook.run(book.id, book.name, book.createdBy, book.createdAt)
    } catch (cause) {
      if (isPrimaryKeyViolation(cause)) {
        throw new StoreError('conflict', `book ${book.id} already exists`, { cause })
      }
      throw cause
    }
    sql.upsertMember.run(book.id, book.createdBy, 'owner')
  })

  // In one (immediate) transaction with the write: the owner check holds against other connections.
  const setMember = db.transaction((bookId: string, userId: string, role: Role) => {
    if (!sql.getBook.get(bookId)) throw new StoreError('not-found', `book ${bookId} does not exist`)
    if (leavesNoOwner(sql.owners.all(bookId), userId, role)) throw lastOwnerError(bookId)
    sql.upsertMember.run(bookId, userId, role)
  })

  const removeMember = db.transaction((bookId: string, userId: string) => {
    if (leavesNoOwner(sql.owners.all(bookId), userId, null)) throw lastOwnerError(bookId)
    sql.removeMember.run(bookId, userId)
  })

  return {
    createBook: ({ id, name, createdBy }) =>
      gate.run('createBook', () => {
        checkId('id', id)
        checkName(name)
        checkId('createdBy', createdBy)
        const info: BookInfo = { id, name, createdBy, createdAt: o.now() }
        createBook.immediate(info)
        return info
      }),

    getBook: (bookId) =>
      gate.run('getBook', () => {
        checkId('bookId', bookId)
        const row = sql.getBook.get(bookId)
        return row ? toInfo(row) : null
      }),

    listBooksFor: (userId) =>
      gate.run('listBooksFor', () => {
        checkId('userId', userId)
        return sql.booksFor.all(userId).map((r): BookMembership => ({ ...toInfo(r), role: r.role }))
      }),

    roleOf: (bookId, userId) =>
      gate.run('roleOf', () => {
        checkId('bookId', bookId)
        checkId('userId', userId)
        return sql.roleOf.get(bookId, userId) ?? null
      }),

    rolesOf: (bookId, userIds) =>
      gate.run('rolesOf', () => {
        checkId('bookId', bookId)
        for (const userId of userIds) checkId('userId', userId)
        return new Map(sql.rolesOf.all(bookId, JSON.stringify(userIds)).map((r) => [r.user_id, r.role]))
      }),

    setMember: (bookId, userId, role) =>
      gate.run('setMember', () => {
        checkId('bookId', bookId)
        checkId('userId', userId)
        checkRole(role)
        setMember.immediate(bookId, userId, role)
      }),

    removeMember: (bookId, userId) =>
      gate.run('removeMember', () => {
        checkId('bookId', bookId)
        checkId('userId', userId)
        removeMember.immediate(bookId, userId)
      }),

    listMembers: (bookId) =>
      gate.run('listMembers', () => {
        checkId('bookId', bookId)
        return sql.members.all(bookId).map((r): Member => ({ userId: r.user_id, role: r.role }))
      }),

    async close() {
      if (gate.close() && o.closeDatabase) db.close()
    },
  }
}
