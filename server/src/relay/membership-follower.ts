// Open connections follow changes of membership: a member removed from a book is disconnected
// (4403, as a refused connect) and a changed role applies from the next frame (a demoted editor's
// updates are refused). The directory's changes reach `changed` on the instance that made them
// and, through the fan-out, on the others; `recheckAll` runs every so often as the backstop for a
// fan-out message that was lost (Redis pub/sub keeps nothing) or a change made behind the API.
import type { Logger } from 'pino'
import type { BookDirectory, Role } from '../store/book-directory'
import { isStoreError } from '../store/store-error'
import type { Connection } from './connection'
import { LatestChanges } from './latest-changes'
import { readWithin } from './read-deadline'

export interface MembershipFollowerOptions {
  readonly directory: BookDirectory
  readonly log: Logger
  /** The relay's open connections, attached or still connecting. */
  readonly connections: () => Iterable<Connection>
  /**
   * How long a role read may take (ms) before it is given up: a read that never answers would
   * keep every change since it began (LatestChanges) and hold up every later sweep. The store is
   * asked to end the read by then as well (BookDirectory.rolesOf's `timeoutMs`).
   */
  readonly readTimeoutMs?: number
}

const DEFAULTS = { readTimeoutMs: 10_000 } satisfies Partial<MembershipFollowerOptions>

export class MembershipFollower {
  /**
   * Per book and user, the latest change heard of: a role read begun before a later change is not
   * applied (reads may answer out of order, e.g. on a pool of store connections).
   */
  private readonly changes = new LatestChanges()
  private sweep: Promise<void> | null = null
  private readonly o: MembershipFollowerOptions & Required<Pick<MembershipFollowerOptions, 'readTimeoutMs'>>

  constructor(opts: MembershipFollowerOptions) {
    this.o = { ...DEFAULTS, ...opts } satisfies MembershipFollowerOptions
  }

  /** Counts the changes seen: a connect reads the role again while this moves (relay.ts). */
  get epoch(): number {
    return this.changes.epoch
  }

  /** Book and user pairs whose latest change is kept (tests: bounded by the reads in flight). */
  get keptChanges(): number {
    return this.changes.size
  }

  /** `userId`'s membership of `bookId` changed: their connections to it take the stored role. */
  changed(bookId: string, userId: string): Promise<void> {
    this.changes.changed(keyOf(bookId, userId))
    const conns = this.connectionsOf(bookId, userId)
    return conns.length === 0 ? Promise.resolve() : this.apply(bookId, new Map([[userId, conns]]))
  }

  /** Every attached connection against the stored roles, one read per book (of its connected users' rows only). */
  recheckAll(): Promise<void> {
    // One sweep at a time: a slow store must not pile sweeps up behind each other.
    this.sweep ??= this.sweepAll().finally(() => (this.sweep = null))
    return this.sweep
  }

  private async sweepAll(): Promise<void> {
    const books = new Map<string, Map<string, Connection[]>>()
    for (const conn of this.o.connections()) {
      const userId = conn.identity?.userId
      if (userId === undefined || conn.isClosed) continue
      const users = books.get(conn.bookId) ?? new Map<string, Connection[]>()
      books.set(conn.bookId, users)
      const group = users.get(userId)
      if (group) group.push(conn)
      else users.set(userId, [conn])
    }
    for (const [bookId, users] of books) await this.apply(bookId, users)
  }

  private connectionsOf(bookId: string, userId: string): Connection[] {
    const out: Connection[] = []
    for (const conn of this.o.connections()) if (conn.bookId === bookId && conn.identity?.userId === userId) out.push(conn)
    return out
  }

  /**
   * Reads the roles of the connected `users` of the book (one read, within the deadline) and
   * applies each one no later change decides.
   */
  private async apply(bookId: string, users: ReadonlyMap<string, readonly Connection[]>): Promise<void> {
    const at = this.changes.begin()
    const userIds = [...users.keys()]
    try {
      let roles: Map<string, Role>
      try {
        // The store is given the same deadline, so the read itself ends too (PostgreSQL cancels it
        // and frees its connection): given up on here alone, each sweep would leave one more
        // pooled connection stuck behind a lock. readWithin stays for a read the store cannot end.
        const timeoutMs = this.o.readTimeoutMs
        roles = await readWithin(this.o.directory.rolesOf(bookId, userIds, { timeoutMs }), timeoutMs, `roles in book ${bookId}`)
      } catch (err) {
        // Left as they are; the next change or recheck tries again. A read given up on ends here
        // (`end` below): what it answers later is dropped, and keeps no change nor sweep waiting.
        const msg = isStoreError(err, 'timeout') ? 'gave up reading a changed membership (no answer in time)' : 'could not read a changed membership'
        this.o.log.warn({ err, bookId, users: userIds }, msg)
        return
      }
      for (const [userId, conns] of users) {
        if (this.changes.isStale(keyOf(bookId, userId), at)) continue // a later change's read decides
        const role = roles.get(userId) ?? null
        for (const conn of conns) conn.applyRole(role)
        if (role === null) this.o.log.info({ bookId, userId, connections: conns.length }, 'closed the connections of a member removed from the book')
      }
    } finally {
      this.changes.end(at)
    }
  }
}

const keyOf = (bookId: string, userId: string): string => `${bookId}\u0000${userId}`
