// A role read with a deadline really ends on PostgreSQL: blocked by a lock, it is cancelled by the
// server and gives its pooled connection back, so readers that give up on it each time (the relay's
// recheck sweep, every minute) do not leave the pool a stuck connection each.
import { describe, expect, it } from 'vitest'
import { lockedMembersFixture } from './locked-members-fixture'
import { isStoreError } from './store-error'

const pg = lockedMembersFixture('roles_timeout')

/** Rejects if `p` has not settled within `ms`: a read that never ends fails the test, not hangs it. */
const settledWithin = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still unanswered after ${ms} ms`)), ms))])

/** Backends of the test schema's pool that wait on a lock (pg_stat_activity), the locker's excluded. */
const waitingBackends = async (): Promise<number> => {
  const { rows } = await pg.locker.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
        AND query LIKE '%FROM members%'`,
  )
  return rows[0]!.n
}

describe('PostgreSQL rolesOf with timeoutMs', () => {
  it('reads as without it when nothing blocks it', async () => {
    expect(await pg.dir.rolesOf('b', ['alice', 'bob'], { timeoutMs: 1000 })).toEqual(new Map([['alice', 'owner']]))
  })

  it('refuses a timeout that is not a positive number of ms', async () => {
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(pg.dir.rolesOf('b', ['alice'], { timeoutMs })).rejects.toSatisfy((e) => isStoreError(e, 'invalid'))
    }
  })

  it('blocked by a lock, ends with a timeout and frees its connection; repeated reads leave none stuck', async () => {
    await pg.locked(async () => {
      // More reads than the pool has connections (4): each one left stuck would take one for good.
      for (let i = 0; i < 6; i++) {
        const started = Date.now()
        const read = pg.dir.rolesOf('b', ['alice'], { timeoutMs: 200 })
        await expect(settledWithin(read, 3000)).rejects.toSatisfy((e) => isStoreError(e, 'timeout'))
        expect(Date.now() - started).toBeLessThan(2000)
        expect({ total: pg.pool.totalCount, idle: pg.pool.idleCount, waiting: pg.pool.waitingCount }).toEqual({
          total: pg.pool.totalCount,
          idle: pg.pool.totalCount,
          waiting: 0,
        })
        expect(await waitingBackends()).toBe(0)
      }
    })
    // The connections given back are usable, with the pool's own statement_timeout again (30 s).
    expect(await pg.dir.rolesOf('b', ['alice'], { timeoutMs: 1000 })).toEqual(new Map([['alice', 'owner']]))
    const { rows } = await pg.pool.query<{ statement_timeout: string }>('SHOW statement_timeout')
    expect(rows[0]!.statement_timeout).toBe('30s')
  })
})
