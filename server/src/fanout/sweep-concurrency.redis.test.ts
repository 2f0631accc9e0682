// The fan-out's sweep checks every loaded book against the store, as a backstop for messages Redis
// lost: a few books at a time, and never two sweeps at once, so that an instance with thousands of
// books does not queue every other store call behind them every few seconds.
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMetrics } from '../metrics'
import { compactionPolicy } from '../relay/compaction-policy'
import { RoomRegistry, type RoomLease } from '../relay/room-registry'
import type { DocStore } from '../store/doc-store'
import { createMemoryDocStore } from '../store/memory-doc-store'
import { TEST_REDIS_URL, uniquePrefix } from '../testing/test-redis'
import { waitFor } from '../testing/ws-clients'
import { RedisFanOut } from './redis-fan-out'

const BOOKS = 20
const CONCURRENCY = 3

/** The memory store, its readSince slowed to 20 ms and watched: how many run at once, how many ran. */
const watchedStore = () => {
  const store = createMemoryDocStore()
  const seen = { running: 0, most: 0, calls: 0 }
  const watched: DocStore = {
    ...store,
    readSince: async (bookId, afterSeq, limit) => {
      seen.calls++
      seen.most = Math.max(seen.most, ++seen.running)
      try {
        await new Promise((resolve) => setTimeout(resolve, 20))
        return await store.readSince(bookId, afterSeq, limit)
      } finally {
        seen.running--
      }
    },
  }
  return { store: watched, seen }
}

describe('the fan-out sweep', () => {
  const { store, seen } = watchedStore()
  const log = pino({ level: 'silent' })
  // Every 100 ms, while a sweep of 20 books at 3 at a time takes ≈140 ms: sweeps would overlap.
  const fanOut = new RedisFanOut({ url: TEST_REDIS_URL, prefix: uniquePrefix(), store, metrics: createMetrics(), log, sweepIntervalMs: 100, sweepConcurrency: CONCURRENCY })
  const registry = new RoomRegistry({ store, fanOut, metrics: createMetrics(), log, unloadGraceMs: 60_000, compaction: compactionPolicy(1000) })
  const leases: RoomLease[] = []

  beforeAll(async () => {
    await fanOut.start()
    for (let i = 0; i < BOOKS; i++) leases.push(await registry.acquire(`book-${i}`))
  })
  afterAll(async () => {
    for (const lease of leases) lease.release()
    await registry.close()
    await fanOut.stop()
  })

  it(`reads ${CONCURRENCY} books at a time at most, and reaches every one`, async () => {
    // Each book's own catch-up at attach has run; from here on only sweeps read.
    await waitFor(() => seen.running === 0 && seen.calls >= BOOKS, 5000, 'the catch-ups at attach')
    seen.most = 0
    const before = seen.calls
    await waitFor(() => seen.calls - before >= 3 * BOOKS, 10_000, 'three sweeps')
    expect(seen.most).toBeLessThanOrEqual(CONCURRENCY)
    expect(seen.most).toBeGreaterThan(1) // in parallel, all the same
  })
})
