// RoomAppends: one store append per burst, durability reported in number order whatever order
// the store answers in, watchers and waiters told, and a failure ending it all.
import { describe, expect, it } from 'vitest'
import type { AppendEntry, StoredUpdate } from '../store/doc-store'
import { createMemoryDocStore } from '../store/memory-doc-store'
import { RoomAppends, type DurableWatcher } from './room-appends'

const entry = (n: number): AppendEntry => ({ update: new Uint8Array([n]), userId: 'u' })
const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

/** Appends the test answers by hand, in any order. */
const manualStore = () => {
  const calls: { entries: readonly AppendEntry[]; answer: () => void; fail: (e: Error) => void }[] = []
  let seq = 0
  const append = (entries: readonly AppendEntry[]) =>
    new Promise<StoredUpdate[]>((resolve, reject) => {
      const stored = entries.map((e) => ({ bookId: 'b', seq: ++seq, update: e.update, userId: e.userId, at: 0 }))
      calls.push({ entries, answer: () => resolve(stored), fail: reject })
    })
  return { calls, append }
}

const recordingWatcher = (keepWatching: (n: number) => boolean = () => true) => {
  const seen: number[] = []
  const watcher: DurableWatcher = { durableThrough: (n) => (seen.push(n), keepWatching(n)) }
  return { seen, watcher }
}

describe('RoomAppends', () => {
  it('writes the updates added in one task with one store append, numbered in order', async () => {
    const store = createMemoryDocStore()
    const stored: number[] = []
    const written: number[] = []
    const appends = new RoomAppends({
      append: (entries) => store.append('b', entries),
      stored: (s) => stored.push(s.seq),
      written: (n) => written.push(n),
      failed: () => expect.fail('no failure expected'),
    })
    const numbers = [1, 2, 3].map((n) => appends.add(entry(n)))
    expect(numbers).toEqual([1, 2, 3])
    expect(appends.idle).toBe(false)
    await appends.whenThrough(3)
    expect(written).toEqual([3])
    expect(stored).toEqual([1, 2, 3])
    expect(appends.durableThrough).toBe(3)
    expect(appends.idle).toBe(true)
    expect((await store.load('b')).updates.map((u) => [...u.update])).toEqual([[1], [2], [3]])
  })

  it('reports batches durable in number order even when the store answers the later one first', async () => {
    const store = manualStore()
    const { seen, watcher } = recordingWatcher()
    const appends = new RoomAppends({ append: store.append, stored: () => {}, written: () => {}, failed: () => {} })
    appends.watch(watcher)
    appends.add(entry(1))
    await tick()
    appends.add(entry(2))
    appends.add(entry(3))
    await tick()
    expect(store.calls.map((c) => c.entries.length)).toEqual([1, 2])

    let second = false
    void appends.whenThrough(3).then(() => (second = true))
    store.calls[1]!.answer()
    await tick()
    expect(appends.durableThrough).toBe(0) // the first batch is still in flight
    expect(second).toBe(false)
    store.calls[0]!.answer()
    await tick()
    expect(seen).toEqual([1, 3])
    expect(second).toBe(true)
  })

  it('hands the stored entry to the callback given with it, before waiters hear of it', async () => {
    const store = createMemoryDocStore()
    const appends = new RoomAppends({ append: (e) => store.append('b', e), stored: () => {}, written: () => {}, failed: () => {} })
    appends.add(entry(1))
    let stored: StoredUpdate | null = null
    const n = appends.add(entry(2), (s) => (stored = s))
    await appends.whenThrough(n)
    expect(stored).toMatchObject({ seq: 2, userId: 'u' })
  })

  it('stops telling a watcher once it says it no longer waits, or is unwatched', async () => {
    const store = createMemoryDocStore()
    const appends = new RoomAppends({ append: (e) => store.append('b', e), stored: () => {}, written: () => {}, failed: () => {} })
    const once = recordingWatcher(() => false)
    const gone = recordingWatcher()
    appends.watch(once.watcher)
    appends.watch(gone.watcher)
    appends.unwatch(gone.watcher)
    await appends.whenThrough(appends.add(entry(1)))
    await appends.whenThrough(appends.add(entry(2)))
    expect(once.seen).toEqual([1])
    expect(gone.seen).toEqual([])
  })

  it('after a failed append rejects every waiter, reports the failure once, and makes nothing durable', async () => {
    const store = manualStore()
    const failures: unknown[] = []
    const { seen, watcher } = recordingWatcher()
    const appends = new RoomAppends({ append: store.append, stored: () => {}, written: () => {}, failed: (e) => failures.push(e) })
    appends.watch(watcher)
    const first = appends.whenThrough(appends.add(entry(1)))
    await tick()
    const second = appends.whenThrough(appends.add(entry(2)))
    await tick()
    store.calls[0]!.fail(new Error('disk full'))
    store.calls[1]!.answer()
    await expect(first).rejects.toThrow('disk full')
    await expect(second).rejects.toThrow('disk full')
    await tick()
    expect(failures).toHaveLength(1)
    expect(seen).toEqual([])
    expect(appends.isFailed).toBe(true)

    const later = appends.add(entry(3))
    await expect(appends.whenThrough(later)).rejects.toThrow('disk full')
    await appends.settled() // never rejects
    await tick()
    expect(store.calls).toHaveLength(2) // nothing written after the failure
  })

  it('turns an append that throws instead of rejecting into a failure', async () => {
    const failures: unknown[] = []
    const appends = new RoomAppends({
      append: () => {
        throw new Error('closed')
      },
      stored: () => {},
      written: () => {},
      failed: (e) => failures.push(e),
    })
    await expect(appends.whenThrough(appends.add(entry(1)))).rejects.toThrow('closed')
    expect(failures).toHaveLength(1)
  })
})
