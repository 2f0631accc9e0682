// The follower against a stuck PostgreSQL (the members table locked): each sweep and each change
// gives its role read up at the deadline, and the read ends on the server too, so sweeps and changes
// do not leave one more pooled connection stuck each until the relay and HTTP are starved.
import pino from 'pino'
import { beforeAll, expect, it } from 'vitest'
import type { Role } from '../store/book-directory'
import { lockedMembersFixture } from '../store/locked-members-fixture'
import type { Connection } from './connection'
import { MembershipFollower } from './membership-follower'

const pg = lockedMembersFixture('follower_stuck')

const connection = (bookId: string, userId: string, applied: Array<Role | null>): Connection =>
  ({ bookId, identity: { userId }, isClosed: false, applyRole: (r: Role | null) => void applied.push(r) }) as unknown as Connection

/** Pooled connections in use (a read still running holds one). */
const busy = () => pg.pool.totalCount - pg.pool.idleCount

beforeAll(async () => {
  await pg.dir.setMember('b', 'bob', 'editor')
})

it('sweeps and changes against a locked members table leave no pooled connection stuck, and apply once it is free', async () => {
  const warned: string[] = []
  const log = pino({ level: 'warn' }, { write: (line: string) => void warned.push((JSON.parse(line) as { msg: string }).msg) })
  const applied: Array<Role | null> = []
  const conns = [connection('b', 'bob', applied)]
  const follower = new MembershipFollower({ directory: pg.dir, log, connections: () => conns, readTimeoutMs: 200 })

  await pg.locked(async () => {
    // Twice as many given-up reads as the pool has connections.
    for (let i = 0; i < 4; i++) {
      await follower.recheckAll()
      await follower.changed('b', 'bob')
      // The server's cancel may land just after the follower's own deadline: wait for it briefly.
      await expect.poll(busy, { timeout: 2_000, interval: 20 }).toBe(0)
      expect(pg.pool.waitingCount).toBe(0)
    }
  })
  expect(warned).toHaveLength(8)
  expect(new Set(warned)).toEqual(new Set(['gave up reading a changed membership (no answer in time)']))
  expect(applied).toEqual([])

  // The store answers again: the next sweep reads on a free pool and applies.
  await pg.dir.setMember('b', 'bob', 'viewer')
  await follower.recheckAll()
  expect(applied).toEqual(['viewer'])
  expect(busy()).toBe(0)
})
