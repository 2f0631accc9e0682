// The behaviour every BookDirectory must show, as one vitest suite that each implementation runs
// (memory, SQLite, later PostgreSQL). It only uses the BookDirectory interface.
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { BookDirectory, Role } from './book-directory'
import { expectStoreError } from './expect-store-error'

export interface BookDirectoryHarness {
  /** A directory ready to use. It may share storage with earlier ones: every test uses fresh ids. */
  open(): Promise<BookDirectory>
  /** Closes `previous` and opens the same storage again; the durability test runs only when given. */
  reopen?(previous: BookDirectory): Promise<BookDirectory>
  /** Runs once after the suite. */
  cleanup?(): Promise<void>
}

/** Fresh ids per test, so that a harness may keep one database for the whole suite. */
const ids = () => {
  const run = randomUUID().slice(0, 8)
  return { book: (n: string) => `book-${n}-${run}`, user: (n: string) => `${n}-${run}` }
}

export function runBookDirectoryContract(name: string, harness: BookDirectoryHarness): void {
  describe(`BookDirectory contract: ${name}`, () => {
    let opened: BookDirectory[] = []
    const open = async () => {
      const directory = await harness.open()
      opened.push(directory)
      return directory
    }

    afterEach(async () => {
      await Promise.all(opened.map((d) => d.close()))
      opened = []
    })
    afterAll(async () => {
      await harness.cleanup?.()
    })

    it('creates a book with its creator as owner and gets it back', async () => {
      const dir = await open()
      const { book, user } = ids()
      const before = Date.now()
      const info = await dir.createBook({ id: book('a'), name: 'north', createdBy: user('alice') })
      expect(info).toMatchObject({ id: book('a'), name: 'north', createdBy: user('alice') })
      expect(info.createdAt).toBeGreaterThanOrEqual(before)
      expect(info.createdAt).toBeLessThanOrEqual(Date.now())
      expect(await dir.getBook(book('a'))).toEqual(info)
      expect(await dir.getBook(book('missing'))).toBeNull()
      expect(await dir.roleOf(book('a'), user('alice'))).toBe('owner')
      expect(await dir.listMembers(book('a'))).toEqual([{ userId: user('alice'), role: 'owner' }])
    })

    it("rejects a duplicate id with 'conflict' and keeps the original", async () => {
      const dir = await open()
      const { book, user } = ids()
      const info = await dir.createBook({ id: book('a'), name: 'north', createdBy: user('alice') })
      await expectStoreError(dir.createBook({ id: book('a'), name: 'south', createdBy: user('bob') }), 'conflict')
      expect(await dir.getBook(book('a'))).toEqual(info)
      expect(await dir.roleOf(book('a'), user('bob'))).toBeNull()
    })

    it('sets and changes members; roleOf and listBooksFor report roles, books ordered by name', async () => {
      const dir = await open()
      const { book, user } = ids()
      await dir.createBook({ id: book('z'), name: 'west', createdBy: user('alice') })
      await dir.createBook({ id: book('y'), name: 'east', createdBy: user('bob') })
      await dir.createBook({ id: book('x'), name: 'south', createdBy: user('bob') })
      await dir.setMember(book('y'), user('alice'), 'viewer')
      await dir.setMember(book('x'), user('alice'), 'viewer')
      await dir.setMember(book('x'), user('alice'), 'editor')

      expect(await dir.roleOf(book('x'), user('alice'))).toBe('editor')
      expect(await dir.roleOf(book('y'), user('alice'))).toBe('viewer')
      expect(await dir.roleOf(book('z'), user('bob'))).toBeNull()
      expect(await dir.roleOf(book('missing'), user('alice'))).toBeNull()

      const listed = await dir.listBooksFor(user('alice'))
      expect(listed.map((b) => [b.id, b.name, b.role])).toEqual([
        [book('y'), 'east', 'viewer'],
        [book('x'), 'south', 'editor'],
        [book('z'), 'west', 'owner'],
      ])
      expect(listed[0]).toMatchObject({ createdBy: user('bob') })
      expect((await dir.listBooksFor(user('bob'))).map((b) => b.role)).toEqual(['owner', 'owner'])
      expect(await dir.listBooksFor(user('nobody'))).toEqual([])
    })

    it('reads the roles of some users at once: members only, any number of them', async () => {
      const dir = await open()
      const { book, user } = ids()
      await dir.createBook({ id: book('a'), name: 'north', createdBy: user('alice') })
      await dir.createBook({ id: book('b'), name: 'south', createdBy: user('bob') })
      await dir.setMember(book('a'), user('bob'), 'viewer')
      await dir.setMember(book('a'), user('carol'), 'editor')
      await dir.setMember(book('b'), user('dave'), 'editor')
      const roles = await dir.rolesOf(book('a'), [user('bob'), user('dave'), user('nobody'), user('alice')])
      expect(roles).toEqual(new Map([[user('bob'), 'viewer'], [user('alice'), 'owner']]))
      expect(await dir.rolesOf(book('a'), [])).toEqual(new Map())
      expect(await dir.rolesOf(book('missing'), [user('alice')])).toEqual(new Map())
      // More users than SQLite binds parameters to one statement (32,766), the members among them spread out.
      const many = Array.from({ length: 40_000 }, (_, i) => user(`u${i}`))
      many[5] = user('carol')
      many[39_999] = user('bob')
      expect(await dir.rolesOf(book('a'), many)).toEqual(new Map([[user('carol'), 'editor'], [user('bob'), 'viewer']]))
      await expectStoreError(dir.rolesOf(book('a'), [user('bob'), '']), 'invalid')
    })

    it("rejects setMember on an unknown book with 'not-found' and an unknown role with 'invalid'", async () => {
      const dir = await open()
      const { book, user } = ids()
      await expectStoreError(dir.setMember(book('missing'), user('alice'), 'editor'), 'not-found')
      expect(await dir.getBook(book('missing'))).toBeNull()
      await dir.createBook({ id: book('a'), name: 'north', createdBy: user('alice') })
      await expectStoreError(dir.setMember(book('a'), user('bob'), 'admin' as Role), 'invalid')
      await expectStoreError(dir.createBook({ id: '', name: 'x', createdBy: user('alice') }), 'invalid')
      expect(await dir.roleOf(book('a'), user('bob'))).toBeNull()
    })

    it('removes members and lists the rest, ordered by user id', async () => {
      const dir = await open()
      const { book, user } = ids()
      await dir.createBook({ id: book('a'), name: 'north', createdBy: user('carol') })
      await dir.setMember(book('a'), user('alice'), 'editor')
      await dir.setMember(book('a'), user('bob'), 'viewer')
      expect(await dir.listMembers(book('a'))).toEqual([
        { userId: user('alice'), role: 'editor' },
        { userId: user('bob'), role: 'viewer' },
        { userId: user('carol'), role: 'owner' },
      ])
      await dir.removeMember(book('a'), user('alice'))
      await dir.removeMember(book('a'), user('nobody'))
      await dir.removeMember(book('missing'), user('bob'))
      expect(await dir.roleOf(book('a'), user('alice'))).toBeNull()
      expect(await dir.listBooksFor(user('alice'))).toEqual([])
      expect((await dir.listMembers(book('a'))).map((m) => m.userId)).toEqual([user('bob'), user('carol')])
      expect(await dir.listMembers(book('missing'))).toEqual([])
    })

    it("keeps a book's last owner: demoting or removing them is refused with 'last-owner' and changes nothing", async () => {
      const dir = await open()
      const { book, user } = ids()
      await dir.createBook({ id: book('a'), name: 'north', createdBy: user('alice') })
      await dir.setMember(book('a'), user('bob'), 'editor')
      await expect(dir.setMember(book('a'), user('alice'), 'editor')).rejects.toMatchObject({ name: 'StoreError', code: 'last-owner' })
      await expect(dir.removeMember(book('a'), user('alice'))).rejects.toMatchObject({ name: 'StoreError', code: 'last-owner' })
      expect(await dir.roleOf(book('a'), user('alice'))).toBe('owner')
      // With a second owner, either may go.
      await dir.setMember(book('a'), user('bob'), 'owner')
      await dir.setMember(book('a'), user('alice'), 'viewer')
      await expect(dir.removeMember(book('a'), user('bob'))).rejects.toMatchObject({ code: 'last-owner' })
      await dir.setMember(book('a'), user('bob'), 'owner') // the last owner keeping the role is fine
      expect(await dir.listMembers(book('a'))).toEqual([{ userId: user('alice'), role: 'viewer' }, { userId: user('bob'), role: 'owner' }])
    })

    it('leaves one owner when two owners demote or remove each other at once', async () => {
      const dir = await open()
      const { book, user } = ids()
      // Several books at once, so that with a pool of connections the two changes of a book overlap.
      const names = Array.from({ length: 12 }, (_, i) => book(`race${i}`))
      for (const id of names) {
        await dir.createBook({ id, name: id, createdBy: user('alice') })
        await dir.setMember(id, user('bob'), 'owner')
      }
      const results = await Promise.all(
        names.map((id) => Promise.allSettled([dir.setMember(id, user('alice'), 'editor'), dir.removeMember(id, user('bob'))])),
      )
      for (const [i, id] of names.entries()) {
        expect(results[i]!.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['last-owner'])
        expect((await dir.listMembers(id)).filter((m) => m.role === 'owner')).toHaveLength(1)
      }
    })

    it.skipIf(!harness.reopen)('keeps books and members across a reopen', async () => {
      const dir = await open()
      const { book, user } = ids()
      const info = await dir.createBook({ id: book('a'), name: 'north', createdBy: user('alice') })
      await dir.setMember(book('a'), user('bob'), 'viewer')
      const again = await harness.reopen!(dir)
      opened.push(again)
      expect(await again.getBook(book('a'))).toEqual(info)
      expect(await again.listMembers(book('a'))).toEqual([
        { userId: user('alice'), role: 'owner' },
        { userId: user('bob'), role: 'viewer' },
      ])
    })

    it("rejects every call after close() with 'closed'; close() is idempotent", async () => {
      const dir = await open()
      const { book, user } = ids()
      await dir.close()
      await dir.close()
      await expectStoreError(dir.createBook({ id: book('a'), name: 'n', createdBy: user('a') }), 'closed')
      await expectStoreError(dir.getBook(book('a')), 'closed')
      await expectStoreError(dir.listBooksFor(user('a')), 'closed')
      await expectStoreError(dir.roleOf(book('a'), user('a')), 'closed')
      await expectStoreError(dir.rolesOf(book('a'), [user('a')]), 'closed')
      await expectStoreError(dir.setMember(book('a'), user('a'), 'owner'), 'closed')
      await expectStoreError(dir.removeMember(book('a'), user('a')), 'closed')
      await expectStoreError(dir.listMembers(book('a')), 'closed')
    })
  })
}
