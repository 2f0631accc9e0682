import { describe, expect, it } from 'vitest'
import { UUID_V7_PATTERN, createIdGenerator, newId } from './new-id'

describe('newId', () => {
  it('makes UUIDv7 strings', () => {
    for (let i = 0; i < 100; i++) expect(newId()).toMatch(UUID_V7_PATTERN)
  })

  it('encodes the time in the first 48 bits', () => {
    const ms = Date.UTC(2025, 0, 15, 9, 0, 0, 123)
    const id = createIdGenerator({ now: () => ms })()
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms)
  })

  it('stays strictly increasing within one millisecond and when the clock steps back', () => {
    let t = 1_700_000_000_000
    const gen = createIdGenerator({ now: () => t })
    const ids: string[] = []
    for (let i = 0; i < 5000; i++) {
      if (i === 2500) t -= 10
      ids.push(gen())
    }
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(UUID_V7_PATTERN)
  })

  it('orders ids from later milliseconds after earlier ones', () => {
    let t = 1_000
    const gen = createIdGenerator({ now: () => t })
    const a = gen()
    t = 1_001
    expect(gen() > a).toBe(true)
  })
})
