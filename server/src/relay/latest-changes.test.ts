// A read is stale for a key changed after it began; a change is kept only while a read begun
// before it is in flight, however the reads end.
import { describe, expect, it } from 'vitest'
import { LatestChanges } from './latest-changes'

describe('LatestChanges', () => {
  it('says which reads a later change made stale, and keeps changes only for the reads in flight', () => {
    const changes = new LatestChanges()
    changes.changed('a')
    expect(changes.size).toBe(0) // no read in flight: nothing can be stale by it
    const first = changes.begin()
    changes.changed('a')
    const second = changes.begin()
    changes.changed('b')
    expect([changes.isStale('a', first), changes.isStale('a', second)]).toEqual([true, false])
    expect([changes.isStale('b', first), changes.isStale('b', second), changes.isStale('c', first)]).toEqual([true, true, false])
    expect(changes.size).toBe(2)
    // The later read ends first: the earlier one still needs both changes.
    changes.end(second)
    expect(changes.size).toBe(2)
    expect(changes.isStale('a', first)).toBe(true)
    changes.end(first)
    expect(changes.size).toBe(0)
    expect(changes.epoch).toBe(3)
  })
})
