// The behaviour every DocStore must show, as one vitest suite that each implementation runs
// (memory, SQLite, later PostgreSQL). It only uses the DocStore interface, so it is driver-agnostic.
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { DocStore, StoredUpdate } from './doc-store'
import { bytes, clockPast, entry, newBookId, noise, range, sameBytes, seqsOf } from './doc-store-test-data'
import { expectStoreError } from './expect-store-error'

export interface DocStoreHarness {
  /** A store ready to use. It may share storage with earlier ones: every test uses fresh book ids. */
  open(): Promise<DocStore>
  /** Closes `previous` and opens the same storage again; durability tests run only when given. */
  reopen?(previous: DocStore): Promise<DocStore>
  /** Runs once after the suite: remove files, drop schemas. */
  cleanup?(): Promise<void>
}

export function runDocStoreContract(name: string, harness: DocStoreHarness): void {
  describe(`DocStore contract: ${name}`, () => {
    let opened: DocStore[] = []
    const open = async () => {
      const store = await harness.open()
      opened.push(store)
      return store
    }
    const reopen = async (previous: DocStore) => {
      const store = await harness.reopen!(previous)
      opened.push(store)
      return store
    }

    afterEach(async () => {
      await Promise.all(opened.map((s) => s.close()))
      opened = []
    })
    afterAll(async () => {
      await harness.cleanup?.()
    })

    it('loads an unknown book as empty', async () => {
      const store = await open()
      const book = newBookId()
      expect(await store.load(book)).toEqual({ snapshot: null, snapshotIndex: null, snapshotSeq: 0, updates: [], headSeq: 0 })
      expect(await store.readSince(book, 0)).toEqual([])
      expect(await store.logSize(book)).toEqual({ entries: 0, bytes: 0 })
      expect(await store.pruneLog(book, Date.now() + 60_000)).toBe(0)
    })

    it('assigns consecutive seqs from 1 and records user and time', async () => {
      const store = await open()
      const book = newBookId()
      const before = Date.now()
      const first = await store.append(book, [entry('alice', 1), entry('bob', 2, 2), entry('alice', 3)])
      const second = await store.append(book, [entry('carol', 4), entry('alice', 5)])
      const after = Date.now()
      expect(seqsOf(first)).toEqual([1, 2, 3])
      expect(seqsOf(second)).toEqual([4, 5])
      expect([...first, ...second].map((u) => [u.bookId, u.userId, [...u.update]])).toEqual([
        [book, 'alice', [1]],
        [book, 'bob', [2, 2]],
        [book, 'alice', [3]],
        [book, 'carol', [4]],
        [book, 'alice', [5]],
      ])
      for (const u of [...first, ...second]) {
        expect(u.at).toBeGreaterThanOrEqual(before)
        expect(u.at).toBeLessThanOrEqual(after)
      }
      const loaded = await store.load(book)
      expect(loaded.headSeq).toBe(5)
      expect(loaded.updates).toEqual([...first, ...second])
      expect(await store.append(book, [])).toEqual([])
    })

    it('gives concurrent appends distinct gapless seqs in call order', async () => {
      const store = await open()
      const [a, b] = [newBookId(), newBookId()]
      const calls = range(0, 59).map((i) => {
        const book = i % 3 === 0 ? b : a
        const entries = range(0, i % 4).map((j) => entry(`user-${i}`, i, j))
        return { book, entries, result: store.append(book, entries) }
      })
      const results = await Promise.all(calls.map((c) => c.result))
      for (const book of [a, b]) {
        const mine = calls.flatMap((c, i) => (c.book === book ? [{ ...c, stored: results[i]! }] : []))
        const total = mine.reduce((n, c) => n + c.entries.length, 0)
        expect(mine.flatMap((c) => seqsOf(c.stored))).toEqual(range(1, total))
        for (const c of mine) expect(c.stored.map((u) => [...u.update])).toEqual(c.entries.map((e) => [...e.update]))
        const loaded = await store.load(book)
        expect(loaded.headSeq).toBe(total)
        expect(loaded.updates).toEqual(mine.flatMap((c) => c.stored))
      }
    })

    it('keeps books isolated', async () => {
      const store = await open()
      const [a, b] = [newBookId(), newBookId()]
      await store.append(a, [entry('alice', 1), entry('alice', 2)])
      await store.append(b, [entry('bob', 9)])
      await store.compact(a, bytes(7, 7), 2)
      const loadedB = await store.load(b)
      expect(loadedB.snapshot).toBeNull()
      expect(loadedB.updates.map((u) => [u.bookId, u.seq, [...u.update]])).toEqual([[b, 1, [9]]])
      expect((await store.load(a)).updates).toEqual([])
      expect(await store.logSize(b)).toEqual({ entries: 1, bytes: 1 })
    })

    it('loads the snapshot plus only the entries after it; folded entries stay readable', async () => {
      const store = await open()
      const book = newBookId()
      await store.append(book, range(1, 5).map((i) => entry('alice', i)))
      await store.compact(book, bytes(42, 43), 3)
      const loaded = await store.load(book)
      expect(loaded.snapshot).toEqual(bytes(42, 43))
      expect(loaded.snapshotSeq).toBe(3)
      expect(seqsOf(loaded.updates)).toEqual([4, 5])
      expect(loaded.headSeq).toBe(5)
      expect(await store.logSize(book)).toEqual({ entries: 2, bytes: 2 })
      expect(seqsOf(await store.readSince(book, 0))).toEqual([1, 2, 3, 4, 5])
    })

    it('ignores a compact older than the stored snapshot and refuses one beyond the head', async () => {
      const store = await open()
      const book = newBookId()
      await store.append(book, range(1, 6).map((i) => entry('alice', i)))
      await store.compact(book, bytes(4), 4)
      await store.compact(book, bytes(2), 2)
      const loaded = await store.load(book)
      expect([loaded.snapshotSeq, loaded.snapshot]).toEqual([4, bytes(4)])
      expect(seqsOf(loaded.updates)).toEqual([5, 6])
      await expectStoreError(store.compact(book, bytes(9), 7), 'invalid')
      await expectStoreError(store.compact(newBookId(), bytes(9), 1), 'invalid')
      await store.compact(book, bytes(6), 6)
      expect(await store.load(book)).toMatchObject({ snapshot: bytes(6), snapshotSeq: 6, updates: [], headSeq: 6 })
    })

    it('keeps the index given with a snapshot beside it, and replaces or drops it with the snapshot', async () => {
      const store = await open()
      const book = newBookId()
      await store.append(book, range(1, 6).map((i) => entry('alice', i)))
      await store.compact(book, noise(100, 1), 2, bytes(7, 7, 7))
      expect(await store.load(book)).toMatchObject({ snapshot: noise(100, 1), snapshotIndex: bytes(7, 7, 7), snapshotSeq: 2 })
      await store.compact(book, noise(100, 2), 1, bytes(1)) // older: ignored, index and all
      expect((await store.load(book)).snapshotIndex).toEqual(bytes(7, 7, 7))
      const big = noise(20_000, 3)
      await store.compact(book, noise(100, 3), 4, big)
      expect(await store.load(book)).toMatchObject({ snapshot: noise(100, 3), snapshotIndex: big, snapshotSeq: 4 })
      await store.compact(book, noise(100, 4), 6) // none given: none kept
      expect(await store.load(book)).toMatchObject({ snapshot: noise(100, 4), snapshotIndex: null, snapshotSeq: 6 })
      await expectStoreError(store.compact(book, bytes(1), 6, [1] as unknown as Uint8Array), 'invalid')
    })

    it('reads since a seq, with and without a limit', async () => {
      const store = await open()
      const book = newBookId()
      await store.append(book, range(1, 6).map((i) => entry('alice', i)))
      expect(seqsOf(await store.readSince(book, 2))).toEqual([3, 4, 5, 6])
      expect(seqsOf(await store.readSince(book, 2, 2))).toEqual([3, 4])
      expect(seqsOf(await store.readSince(book, 0, 100))).toEqual([1, 2, 3, 4, 5, 6])
      expect(await store.readSince(book, 2, 0)).toEqual([])
      expect(await store.readSince(book, 6)).toEqual([])
      expect((await store.readSince(book, 4, 1))[0]).toMatchObject({ bookId: book, seq: 5, userId: 'alice', update: bytes(5) })
    })

    it('prunes only entries that are folded into the snapshot and old enough', async () => {
      const store = await open()
      const book = newBookId()
      const old = await store.append(book, [entry('alice', 1), entry('alice', 2)])
      const cutoff = Math.max(...old.map((u) => u.at)) + 1
      await clockPast(cutoff)
      const recent = await store.append(book, [entry('alice', 3), entry('alice', 4)])
      expect(Math.min(...recent.map((u) => u.at))).toBeGreaterThanOrEqual(cutoff)
      await store.compact(book, bytes(33), 3)

      expect(await store.pruneLog(book, cutoff)).toBe(2) // 1 and 2; 3 is folded but recent
      expect(seqsOf(await store.readSince(book, 0))).toEqual([3, 4])
      expect(await store.pruneLog(book, Date.now() + 60_000)).toBe(1) // 3; 4 is not folded
      expect(seqsOf(await store.readSince(book, 0))).toEqual([4])
      expect(await store.load(book)).toMatchObject({ snapshotSeq: 3, headSeq: 4 })
      expect(await store.logSize(book)).toEqual({ entries: 1, bytes: 1 })

      // With every entry pruned, the snapshot still holds the head: seqs never restart.
      await store.compact(book, bytes(44), 4)
      expect(await store.pruneLog(book, Date.now() + 60_000)).toBe(1)
      expect(await store.load(book)).toEqual({ snapshot: bytes(44), snapshotIndex: null, snapshotSeq: 4, updates: [], headSeq: 4 })
      expect(seqsOf(await store.append(book, [entry('bob', 5)]))).toEqual([5])
    })

    it('prunes from the oldest entry, at most `limit` a call, and stops at the first one to keep', async () => {
      const store = await open()
      const book = newBookId()
      await store.append(book, range(1, 7).map((i) => entry('alice', i)))
      await store.compact(book, bytes(5), 5)
      const later = Date.now() + 60_000
      expect(await store.pruneLog(book, later, 2)).toBe(2)
      expect(seqsOf(await store.readSince(book, 0))).toEqual([3, 4, 5, 6, 7])
      expect(await store.pruneLog(book, later, 2)).toBe(2)
      expect(await store.pruneLog(book, later, 2)).toBe(1) // 6 and 7 are not folded
      expect(await store.pruneLog(book, later)).toBe(0)
      expect(seqsOf(await store.readSince(book, 0))).toEqual([6, 7])
      expect(await store.logSize(book)).toEqual({ entries: 2, bytes: 2 })
    })

    it('measures the log after the snapshot: entries and their bytes', async () => {
      const store = await open()
      const book = newBookId()
      // Entry i holds i bytes: 1 + 2 + … + 7 = 28.
      await store.append(book, range(1, 7).map((i) => entry('alice', ...range(1, i))))
      expect(await store.logSize(book)).toEqual({ entries: 7, bytes: 28 })
      await store.compact(book, bytes(5), 5)
      expect(await store.logSize(book)).toEqual({ entries: 2, bytes: 6 + 7 })
      await store.pruneLog(book, Date.now() + 60_000)
      expect(await store.logSize(book)).toEqual({ entries: 2, bytes: 13 })
      await store.append(book, [{ userId: 'bob', update: noise(3000, 1) }])
      expect(await store.logSize(book)).toEqual({ entries: 3, bytes: 3013 })
    })

    it.skipIf(!harness.reopen)('keeps everything acknowledged across a reopen, and close() flushes pending appends', async () => {
      const store = await open()
      const book = newBookId()
      await store.append(book, range(1, 4).map((i) => entry('alice', i)))
      await store.compact(book, bytes(2, 2), 2)
      const pending = store.append(book, [entry('bob', 5), entry('bob', 6)])
      const again = await reopen(store)
      expect(seqsOf(await pending)).toEqual([5, 6])
      const loaded = await again.load(book)
      expect(loaded).toMatchObject({ snapshot: bytes(2, 2), snapshotSeq: 2, headSeq: 6 })
      expect(loaded.updates.map((u) => [u.seq, u.userId, [...u.update]])).toEqual([
        [3, 'alice', [3]],
        [4, 'alice', [4]],
        [5, 'bob', [5]],
        [6, 'bob', [6]],
      ])
      expect(seqsOf(await again.append(book, [entry('carol', 7)]))).toEqual([7])
    })

    it('round-trips real Yjs updates, with and without a snapshot', async () => {
      const store = await open()
      const book = newBookId()
      const doc = new Y.Doc()
      const sent: Promise<StoredUpdate[]>[] = []
      doc.on('update', (update: Uint8Array) => sent.push(store.append(book, [{ update, userId: 'alice' }])))
      const customers = doc.getMap<Y.Map<unknown>>('customers')
      const acme = new Y.Map<unknown>()
      customers.set('c1', acme)
      acme.set('name', 'Acme')
      const notes = new Y.Text()
      acme.set('notes', notes)
      notes.insert(0, 'Met at the fair. ')
      doc.transact(() => {
        acme.set('status', 'lead')
        notes.insert(notes.length, 'Wants a quote.')
      })
      await Promise.all(sent)

      const rebuild = async () => {
        const { snapshot, updates } = await store.load(book)
        const copy = new Y.Doc()
        if (snapshot) Y.applyUpdate(copy, snapshot)
        for (const u of updates) Y.applyUpdate(copy, u.update)
        return copy
      }
      const first = await rebuild()
      expect(first.getMap('customers').toJSON()).toEqual(customers.toJSON())

      const { headSeq } = await store.load(book)
      await store.compact(book, Y.encodeStateAsUpdate(first), headSeq)
      acme.set('status', 'customer')
      notes.delete(0, 5)
      await Promise.all(sent)
      const second = await rebuild()
      expect(second.getMap('customers').toJSON()).toEqual(customers.toJSON())
      expect(second.getMap('customers').toJSON()).toMatchObject({ c1: { status: 'customer' } })
    })

    it('round-trips large updates and snapshots byte-exact, as plain Uint8Arrays', async () => {
      const store = await open()
      const book = newBookId()
      const big = [noise(1024 * 1024, 1), noise(1024 * 1024 + 7, 2)]
      await Promise.all(big.map((update) => store.append(book, [{ update, userId: 'alice' }])))
      const snapshot = noise(1024 * 1024, 3)
      await store.compact(book, snapshot, 1)
      const loaded = await store.load(book)
      expect(sameBytes(loaded.snapshot!, snapshot)).toBe(true)
      expect(loaded.updates).toHaveLength(1)
      expect(sameBytes(loaded.updates[0]!.update, big[1]!)).toBe(true)
      const all = await store.readSince(book, 0)
      expect(all.map((u, i) => sameBytes(u.update, big[i]!))).toEqual([true, true])
      for (const u of [loaded.snapshot!, ...all.map((s) => s.update)]) {
        expect(Object.getPrototypeOf(u)).toBe(Uint8Array.prototype)
      }
    })

    it('does not let callers change stored bytes through returned arrays', async () => {
      const store = await open()
      const book = newBookId()
      await store.append(book, [entry('alice', 1, 2, 3)])
      await store.compact(book, bytes(9, 9), 1)
      const loaded = await store.load(book)
      loaded.snapshot!.fill(0)
      ;(await store.readSince(book, 0))[0]!.update.fill(0)
      expect((await store.load(book)).snapshot).toEqual(bytes(9, 9))
      expect((await store.readSince(book, 0))[0]!.update).toEqual(bytes(1, 2, 3))
    })

    it("rejects malformed calls with 'invalid'", async () => {
      const store = await open()
      const book = newBookId()
      await expectStoreError(store.append('', [entry('alice', 1)]), 'invalid')
      await expectStoreError(store.append(book, [{ userId: 'alice', update: [1] as unknown as Uint8Array }]), 'invalid')
      await expectStoreError(store.append(book, [entry('', 1)]), 'invalid')
      await expectStoreError(store.readSince(book, -1), 'invalid')
      await expectStoreError(store.readSince(book, 0, 1.5), 'invalid')
      await expectStoreError(store.compact(book, bytes(1), 0), 'invalid')
      await expectStoreError(store.pruneLog(book, Number.NaN), 'invalid')
      await expectStoreError(store.pruneLog(book, Date.now(), 0), 'invalid')
      await expectStoreError(store.pruneLog(book, Date.now(), 2.5), 'invalid')
      expect((await store.load(book)).headSeq).toBe(0)
    })

    it("rejects every call after close() with 'closed'; close() is idempotent", async () => {
      const store = await open()
      const book = newBookId()
      await store.append(book, [entry('alice', 1)])
      await store.close()
      await store.close()
      await expectStoreError(store.append(book, [entry('alice', 2)]), 'closed')
      await expectStoreError(store.load(book), 'closed')
      await expectStoreError(store.readSince(book, 0), 'closed')
      await expectStoreError(store.compact(book, bytes(1), 1), 'closed')
      await expectStoreError(store.pruneLog(book, Date.now()), 'closed')
      await expectStoreError(store.logSize(book), 'closed')
    })
  })
}
