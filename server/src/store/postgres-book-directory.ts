// BookDirectory on PostgreSQL: books and their members in the same database as the update log,
// so every relay instance of a scaled-out deployment sees the same access-control list.
import type { Pool, PoolClient } from 'pg'
import { lastOwnerError, leavesNoOwner, type BookDirectory, type BookInfo, type BookMembership, type Member, type Role } from './book-directory'
import { checkId, checkName, checkRole } from './book-directory-input'
import { SQLSTATE, toPostgresStoreError, violated } from './postgres-errors'
import { inTransaction } from './postgres-transaction'
import { StoreError } from './store-error'
import { createStoreGate } from './store-gate'

export interface PostgresBookDirectoryOptions {
  /** close() also ends the pool. Off by default: the DocStore shares it. */
  readonly closePool?: boolean
  /** Clock for `createdAt` (ms since the epoch). */
  readonly now?: () => number
}

const DEFAULTS = { closePool: false, now: Date.now } as const satisfies PostgresBookDirectoryOptions

interface BookRow {
  id: string
  name: string
  created_by: string
  /** int8 arrives as a string. */
  created_at: string
}

const toInfo = (r: BookRow): BookInfo => ({
  id: r.id,
  name: r.name,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
})

const SQL = {
  insertBook: 'INSERT INTO books (id, name, created_by, created_at) VALUES ($1, $2, $3, $4)',
  getBook: 'SELECT id, name, created_by, created_at FROM books WHERE id = $1',
  booksFor: `
    SELECT b.id, b.name, b.created_by, b.created_at, m.role
      FROM members m JOIN books b ON b.id = m.book_id
     WHERE m.user_id = $1 ORDER BY b.name, b.id`,
  roleOf: 'SELECT role FROM members WHERE book_id = $1 AND user_id = $2',
  // One array parameter, however many users: served by the (book_id, user_id) primary key.
  rolesOf: 'SELECT user_id, role FROM members WHERE book_id = $1 AND user_id = ANY($2::text[])',
  upsertMember: `
    INSERT INTO members (book_id, user_id, role) VALUES ($1, $2, $3)
    ON CONFLICT (book_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
  removeMember: 'DELETE FROM members WHERE book_id = $1 AND user_id = $2',
  members: 'SELECT user_id, role FROM members WHERE book_id = $1 ORDER BY user_id',
  // Locks the owners' rows until the transaction ends: a concurrent change of an owner waits, then
  // sees who is still an owner (READ COMMITTED re-checks the condition on the rows it waited for).
  ownersForUpdate: "SELECT user_id FROM members WHERE book_id = $1 AND role = 'owner' FOR UPDATE",
  // SET LOCAL, which takes no parameters: the timeout ends with the transaction, so the pooled
  // connection goes back with the pool's own (postgres-pool.ts).
  statementTimeout: "SELECT set_config('statement_timeout', $1, true)",
} as const

/**
 * The roles read with a server-side deadline. node-postgres' own `query_timeout` only stops waiting:
 * the statement keeps running (e.g. waiting for a lock) and keeps its connection busy, so a caller
 * that gives up on each read, every sweep, would leave one more connection of the pool stuck.
 * statement_timeout makes PostgreSQL cancel it (lock waits included) and the connection is freed.
 */
const rolesWithin = (pool: Pool, bookId: string, userIds: readonly string[], timeoutMs: number) =>
  inTransaction(
    pool,
    async (client) => {
      await client.query(SQL.statementTimeout, [String(Math.max(1, Math.ceil(timeoutMs)))])
      try {
        return (await client.query<{ user_id: string; role: Role }>(SQL.rolesOf, [bookId, userIds])).rows
      } catch (cause) {
        if (violated(cause, SQLSTATE.queryCanceled)) {
          throw new StoreError('timeout', `roles in book ${bookId}: cancelled after ${timeoutMs} ms (statement_timeout)`, { cause })
        }
        throw cause
      }
    },
    'BEGIN READ ONLY',
  )

/** Inside the change's transaction, with the owners' rows locked (see ownersForUpdate). */
const refuseLastOwner = async (client: PoolClient, bookId: string, userId: string, next: Role | null): Promise<void> => {
  const owners = await client.query<{ user_id: string }>(SQL.ownersForUpdate, [bookId])
  if (leavesNoOwner(owners.rows.map((r) => r.user_id), userId, next)) throw lastOwnerError(bookId)
}

export function createPostgresBookDirectory(pool: Pool, opts: PostgresBookDirectoryOptions = {}): BookDirectory {
  const o = { ...DEFAULTS, ...opts } satisfies PostgresBookDirectoryOptions
  // A read or write past the pool's statement_timeout, or without a connection in time: 'timeout'.
  const gate = createStoreGate('PostgreSQL BookDirectory', toPostgresStoreError)

  const createBook = (book: BookInfo) =>
    inTransaction(pool, async (client) => {
      try {
        await client.query(SQL.insertBook, [book.id, book.name, book.createdBy, book.createdAt])
      } catch (cause) {
        if (violated(cause, SQLSTATE.uniqueViolation)) throw new StoreError('conflict', `book ${book.id} already exists`, { cause })
        throw cause
      }
      await client.query(SQL.upsertMember, [book.id, book.createdBy, 'owner'])
    })

  return {
    createBook: ({ id, name, createdBy }) =>
      gate.run('createBook', async () => {
        checkId('id', id)
        checkName(name)
        checkId('createdBy', createdBy)
        const info: BookInfo = { id, name, createdBy, createdAt: o.now() }
        await createBook(info)
        return info
      }),

    getBook: (bookId) =>
      gate.run('getBook', async () => {
        checkId('bookId', bookId)
        const { rows } = await pool.query<BookRow>(SQL.getBook, [bookId])
        return rows[0] ? toInfo(rows[0]) : null
      }),

    listBooksFor: (userId) =>
      gate.run('listBooksFor', async () => {
        checkId('userId', userId)
        const { rows } = await pool.query<BookRow & { role: Role }>(SQL.booksFor, [userId])
        return rows.map((r): BookMembership => ({ ...toInfo(r), role: r.role }))
      }),

    roleOf: (bookId, userId) =>
      gate.run('roleOf', async () => {
        checkId('bookId', bookId)
        checkId('userId', userId)
        const { rows } = await pool.query<{ role: Role }>(SQL.roleOf, [bookId, userId])
        return rows[0]?.role ?? null
      }),

    rolesOf: (bookId, userIds, { timeoutMs } = {}) =>
      gate.run('rolesOf', async () => {
        checkId('bookId', bookId)
        for (const userId of userIds) checkId('userId', userId)
        if (timeoutMs !== undefined && !(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
          throw new StoreError('invalid', 'timeoutMs must be a positive number of ms')
        }
        if (userIds.length === 0) return new Map<string, Role>()
        const rows =
          timeoutMs === undefined
            ? (await pool.query<{ user_id: string; role: Role }>(SQL.rolesOf, [bookId, userIds])).rows
            : await rolesWithin(pool, bookId, userIds, timeoutMs)
        return new Map(rows.map((r) => [r.user_id, r.role]))
      }),

    setMember: (bookId, userId, role) =>
      gate.run('setMember', async () => {
        checkId('bookId', bookId)
        checkId('userId', userId)
        checkRole(role)
        try {
          // Giving the owner role can leave nobody without one: no transaction needed.
          if (role === 'owner') await pool.query(SQL.upsertMember, [bookId, userId, role])
          else await inTransaction(pool, async (client) => {
            await refuseLastOwner(client, bookId, userId, role)
            await client.query(SQL.upsertMember, [bookId, userId, role])
          })
        } catch (cause) {
          // The members → books foreign key is the existence check, atomic with the write.
          if (violated(cause, SQLSTATE.foreignKeyViolation)) {
            throw new StoreError('not-found', `book ${bookId} does not exist`, { cause })
          }
          throw cause
        }
      }),

    removeMember: (bookId, userId) =>
      gate.run('removeMember', async () => {
        checkId('bookId', bookId)
        checkId('userId', userId)
        await inTransaction(pool, async (client) => {
          await refuseLastOwner(client, bookId, userId, null)
          await client.query(SQL.removeMember, [bookId, userId])
        })
      }),

    listMembers: (bookId) =>
      gate.run('listMembers', async () => {
        checkId('bookId', bookId)
        const { rows } = await pool.query<{ user_id: string; role: Role }>(SQL.members, [bookId])
        return rows.map((r): Member => ({ userId: r.user_id, role: r.role }))
      }),

    async close() {
      if (gate.close() && o.closePool) await pool.end()
    },
  }
}
