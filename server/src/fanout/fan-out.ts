// How a relay instance shares what its clients send with the other instances serving the same
// books. One instance: nothing to do. Several: Redis (see redis-fan-out.ts).
import type { HealthCheck } from '../health-check'
import type { Room } from '../relay/room'
import type { StoredUpdate } from '../store/doc-store'

export interface FanOut {
  start(): Promise<void>
  stop(): Promise<void>
  /** A book was loaded here: start receiving what other instances accept for it. */
  attach(room: Room): void
  detach(room: Room): void
  /** An update this instance accepted is durable (with its seq): tell the others. */
  publishUpdate(room: Room, stored: StoredUpdate): void
  /** Presence changed through one of this instance's clients: tell the others. */
  publishAwareness(room: Room, awarenessUpdate: Uint8Array): void
  /** A membership of the book changed here (a role set, a member removed): tell the others. */
  publishMemberChange(bookId: string, userId: string): void
  /** Where membership changes published by other instances go (the relay's connections follow them). */
  followMemberChanges(listener: (bookId: string, userId: string) => void): void
  /** Transaction origin of changes that came from other instances (they are not published again). */
  readonly origin: object
  /**
   * Whether this fan-out reads a loaded book's missing log entries (a gap in its seqs) from the
   * store itself. Where it does not, a room whose own append reveals a gap reads them (a commit
   * whose outcome was unknown, applied after all: relay/room.ts).
   */
  readonly catchesUpGaps: boolean
  readonly health?: HealthCheck
}

export const createLocalFanOut = (): FanOut => ({
  start: async () => {},
  stop: async () => {},
  attach: () => {},
  detach: () => {},
  publishUpdate: () => {},
  publishAwareness: () => {},
  publishMemberChange: () => {},
  followMemberChanges: () => {},
  origin: { fanOut: 'local' },
  catchesUpGaps: false,
})
