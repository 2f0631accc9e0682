// Reads of a changed role may answer out of order (a pool of store connections): a read begun
// before a later change must not overwrite what that change's read applies.
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import type { Role } from '../store/book-directory'
import { createMemoryBookDirectory } from '../store/memory-book-directory'
import type { Connection } from './connection'
import { MembershipFollower } from './membership-follower'

describe('MembershipFollower', () => {
  it('applies the role of the latest change even when an earlier read answers last', async () => {
    const directory = createMemoryBookDirectory()
    await directory.createBook({ id: 'b', name: 'B', createdBy: 'alice' })
    await directory.setMember('b', 'bob', 'editor')
    // The first read waits until released; later reads answer at once.
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    let reads = 0
    const slowFirst = {
      ...directory,
      roleOf: async (bookId: string, userId: string) => {
        const role = await directory.roleOf(bookId, userId)
        if (++reads === 1) await held
        return role
      },
    }
    const applied: Array<Role | null> = []
    const conn = { bookId: 'b', identity: { userId: 'bob' }, isClosed: false, applyRole: (r: Role | null) => void applied.push(r) } as unknown as Connection
    const follower = new MembershipFollower({ directory: slowFirst, log: pino({ level: 'silent' }), connections: () => [conn] })

    const sweep = follower.recheckAll() // reads "editor", answers late
    await directory.setMember('b', 'bob', 'viewer')
    await follower.changed('b', 'bob') // reads "viewer" at once
    release()
    await sweep
    expect(applied).toEqual(['viewer'])
  })
})
