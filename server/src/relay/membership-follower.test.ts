// Reads of a changed role may answer out of order (a pool of store connections): a read begun
// before a later change must not overwrite what that change's read applies. The periodic sweep
// reads each book's connected users' roles once (not its whole member list), what the follower
// keeps of past changes stays bounded, and a read that never answers is given up on.
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import type { BookDirectory, Role } from '../store/book-directory'
import { createMemoryBookDirectory } from '../store/memory-book-directory'
import type { Connection } from './connection'
import { MembershipFollower } from './membership-follower'

/** A connection that records the roles applied to it. */
const connection = (bookId: string, userId: string, applied: Array<Role | null>): Connection =>
  ({ bookId, identity: { userId }, isClosed: false, applyRole: (r: Role | null) => void applied.push(r) }) as unknown as Connection

/** The directory with its first roles read held until `release()`, and every read counted. */
const slowFirstRead = (directory: BookDirectory) => {
  let release = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  const reads = { roleOf: 0, rolesOf: 0, listMembers: 0 }
  const slow: BookDirectory = {
    ...directory,
    roleOf: (bookId, userId) => {
      reads.roleOf++
      return directory.roleOf(bookId, userId)
    },
    rolesOf: async (bookId, userIds) => {
      const first = ++reads.rolesOf === 1
      const found = await directory.rolesOf(bookId, userIds)
      if (first) await held
      return found
    },
    listMembers: (bookId) => {
      reads.listMembers++
      return directory.listMembers(bookId)
    },
  }
  return { slow, reads, release: () => release() }
}

/** The directory with its roles reads never answering while `hung.on`, and every read counted. */
const hungReads = (directory: BookDirectory) => {
  const hung = { on: true, reads: 0 }
  const dir: BookDirectory = {
    ...directory,
    rolesOf: (bookId, userIds) => {
      hung.reads++
      return hung.on ? new Promise(() => {}) : directory.rolesOf(bookId, userIds)
    },
  }
  return { dir, hung }
}

/** Whether `p` settles within `ms`. */
const settlesWithin = (p: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))])

/** A logger whose messages at warn and above are kept. */
const warnings = () => {
  const seen: string[] = []
  const log = pino({ level: 'warn' }, { write: (line: string) => void seen.push((JSON.parse(line) as { msg: string }).msg) })
  return { seen, log }
}

const makeBook = async (directory: BookDirectory, bookId: string, members: Record<string, Role>) => {
  await directory.createBook({ id: bookId, name: bookId, createdBy: 'alice' })
  for (const [userId, role] of Object.entries(members)) await directory.setMember(bookId, userId, role)
}

const log = pino({ level: 'silent' })

describe('MembershipFollower', () => {
  it('applies the role of the latest change even when an earlier read answers last', async () => {
    const directory = createMemoryBookDirectory()
    await makeBook(directory, 'b', { bob: 'editor' })
    const { slow, release } = slowFirstRead(directory)
    const applied: Array<Role | null> = []
    const follower = new MembershipFollower({ directory: slow, log, connections: () => [connection('b', 'bob', applied)] })

    const sweep = follower.recheckAll() // reads "editor", answers late
    await directory.setMember('b', 'bob', 'viewer')
    await follower.changed('b', 'bob') // reads "viewer" at once
    release()
    await sweep
    expect(applied).toEqual(['viewer'])
  })

  it("sweeps with one read per book of its connected users' roles only, and applies removals and demotions", async () => {
    const directory = createMemoryBookDirectory()
    await makeBook(directory, 'b1', { bob: 'editor', carol: 'editor' })
    await makeBook(directory, 'b2', { dave: 'editor', erin: 'viewer' })
    await makeBook(directory, 'b3', { frank: 'editor' })
    const { slow, reads, release } = slowFirstRead(directory)
    release()
    const applied: Record<string, Array<Role | null>> = { bob: [], carol: [], dave: [], erin: [], frank: [] }
    const conns = [
      connection('b1', 'bob', applied['bob']!), connection('b1', 'bob', applied['bob']!), connection('b1', 'carol', applied['carol']!),
      connection('b2', 'dave', applied['dave']!), connection('b2', 'erin', applied['erin']!),
      connection('b3', 'frank', applied['frank']!),
    ]
    const follower = new MembershipFollower({ directory: slow, log, connections: () => conns })
    // Changed behind the API: the sweep is all that hears of it.
    await directory.removeMember('b1', 'bob')
    await directory.setMember('b1', 'carol', 'viewer')
    await directory.setMember('b2', 'dave', 'viewer')
    await follower.recheckAll()
    expect(applied).toEqual({ bob: [null, null], carol: ['viewer'], dave: ['viewer'], erin: ['viewer'], frank: ['editor'] })
    // One read per book, of the connected users' rows: never a book's whole member list.
    expect(reads).toEqual({ rolesOf: 3, roleOf: 0, listMembers: 0 })
  })

  it('keeps a change only while a read begun before it is in flight, and an older read still cannot restore a role', async () => {
    const directory = createMemoryBookDirectory()
    await makeBook(directory, 'b', { bob: 'editor', carol: 'editor' })
    const { slow, release } = slowFirstRead(directory)
    const applied: Array<Role | null> = []
    const conns = [connection('b', 'bob', applied), connection('b', 'carol', [])]
    const follower = new MembershipFollower({ directory: slow, log, connections: () => conns })

    const sweep = follower.recheckAll() // reads bob an editor, answers late
    for (let i = 0; i < 1_000; i++) await follower.changed('b', `gone-${i}`) // nobody connected
    await directory.setMember('b', 'bob', 'viewer')
    await follower.changed('b', 'bob')
    expect(applied).toEqual(['viewer'])
    // The sweep is still in flight: every change since it began may make what it read stale.
    expect(follower.keptChanges).toBe(1_001)
    release()
    await sweep
    expect(applied).toEqual(['viewer'])
    expect(follower.keptChanges).toBe(0)
    // With no read in flight nothing is kept, however many changes come.
    for (let i = 0; i < 1_000; i++) await follower.changed('b', `later-${i}`)
    expect(follower.keptChanges).toBe(0)
  })
  it('gives up on a sweep read that never answers: its kept changes go, the next sweep runs and applies', async () => {
    const directory = createMemoryBookDirectory()
    await makeBook(directory, 'b', { bob: 'editor', carol: 'editor' })
    const { dir, hung } = hungReads(directory)
    const { seen, log: warnLog } = warnings()
    const applied: Array<Role | null> = []
    const conns = [connection('b', 'bob', applied), connection('b', 'carol', [])]
    const follower = new MembershipFollower({ directory: dir, log: warnLog, connections: () => conns, readTimeoutMs: 50 })

    const sweep = follower.recheckAll() // never answered
    for (let i = 0; i < 100; i++) void follower.changed('b', `gone-${i}`) // nobody connected: no read
    expect(follower.keptChanges).toBe(100)
    expect(await settlesWithin(sweep, 2_000)).toBe(true)
    expect(follower.keptChanges).toBe(0)
    expect(seen).toEqual(['gave up reading a changed membership (no answer in time)'])
    expect(applied).toEqual([])
    // The next sweep is not the hung one: it reads again, and applies what it finds.
    hung.on = false
    await directory.setMember('b', 'bob', 'viewer')
    await follower.recheckAll()
    expect(hung.reads).toBe(2)
    expect(applied).toEqual(['viewer'])
  })

  it("gives up on a changed member's read that never answers, and a later change's read applies", async () => {
    const directory = createMemoryBookDirectory()
    await makeBook(directory, 'b', { bob: 'editor' })
    const { dir, hung } = hungReads(directory)
    const { seen, log: warnLog } = warnings()
    const applied: Array<Role | null> = []
    const follower = new MembershipFollower({ directory: dir, log: warnLog, connections: () => [connection('b', 'bob', applied)], readTimeoutMs: 50 })

    // The change's caller (an HTTP answer) waits for it: it must not wait forever.
    expect(await settlesWithin(follower.changed('b', 'bob'), 2_000)).toBe(true)
    expect(follower.keptChanges).toBe(0)
    expect(seen).toHaveLength(1)
    hung.on = false
    await directory.removeMember('b', 'bob')
    await follower.changed('b', 'bob')
    expect(applied).toEqual([null])
  })
})
