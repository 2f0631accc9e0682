// Open connections follow changes of membership: a member removed from a book is disconnected
// (4403, as a refused connect) and a changed role applies from the next frame (a demoted editor's
// updates are refused). The directory's changes reach `changed` on the instance that made them
// and, through the fan-out, on the others; `recheckAll` runs every so often as the backstop for a
// fan-out message that was lost (Redis pub/sub keeps nothing) or a change made behind the API.
import type { Logger } from 'pino'
import type { BookDirectory } from '../store/book-directory'
import type { Connection } from './connection'

export interface MembershipFollowerOptions {
  readonly directory: BookDirectory
  readonly log: Logger
  /** The relay's open connections, attached or still connecting. */
  readonly connections: () => Iterable<Connection>
}

export class MembershipFollower {
  private changes = 0
  private sweep: Promise<void> | null = null

  constructor(private readonly o: MembershipFollowerOptions) {}

  /**
   * Per book and user, the number of the latest change heard of: a role read before a later change
   * is not applied (reads may answer out of order, e.g. on a pool of store connections).
   */
  private readonly latest = new Map<string, number>()

  /** Counts the changes seen: a connect reads the role again while this moves (relay.ts). */
  get epoch(): number {
    return this.changes
  }

  /** `userId`'s membership of `bookId` changed: their connections to it take the stored role. */
  changed(bookId: string, userId: string): Promise<void> {
    this.latest.set(keyOf(bookId, userId), ++this.changes)
    return this.apply(bookId, userId, this.connectionsOf(bookId, userId))
  }

  /** Every attached connection against the stored roles, one read per book and user. */
  recheckAll(): Promise<void> {
    // One sweep at a time: a slow store must not pile sweeps up behind each other.
    this.sweep ??= this.sweepAll().finally(() => (this.sweep = null))
    return this.sweep
  }

  private async sweepAll(): Promise<void> {
    const groups = new Map<string, Connection[]>()
    for (const conn of this.o.connections()) {
      const userId = conn.identity?.userId
      if (userId === undefined || conn.isClosed) continue
      const key = keyOf(conn.bookId, userId)
      const group = groups.get(key)
      if (group) group.push(conn)
      else groups.set(key, [conn])
    }
    for (const conns of groups.values()) await this.apply(conns[0]!.bookId, conns[0]!.identity!.userId, conns)
  }

  private connectionsOf(bookId: string, userId: string): Connection[] {
    const out: Connection[] = []
    for (const conn of this.o.connections()) if (conn.bookId === bookId && conn.identity?.userId === userId) out.push(conn)
    return out
  }

  private async apply(bookId: string, userId: string, conns: readonly Connection[]): Promise<void> {
    if (conns.length === 0) return
    const key = keyOf(bookId, userId)
    const seen = this.latest.get(key)
    let role
    try {
      role = await this.o.directory.roleOf(bookId, userId)
    } catch (err) {
      // Left as they are; the next change or recheck tries again.
      this.o.log.warn({ err, bookId, userId }, 'could not read a changed membership')
      return
    }
    if (this.latest.get(key) !== seen) return // a later change's read decides
    for (const conn of conns) conn.applyRole(role)
    if (role === null) this.o.log.info({ bookId, userId, connections: conns.length }, 'closed the connections of a member removed from the book')
  }
}

const keyOf = (bookId: string, userId: string): string => `${bookId}\u0000${userId}`
