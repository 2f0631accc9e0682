// PendingAcks: frames leave in order, only once their append is durable, and the array does not
// grow without bound while the queue never runs empty.
import { describe, expect, it } from 'vitest'
import { PendingAcks } from './pending-acks'

const collector = () => {
  const acked: [number, number][] = []
  return { acked, target: { acked: (frame: number, received: number) => void acked.push([frame, received]) } }
}

describe('PendingAcks', () => {
  it('releases frames in order up to the first one still waiting', () => {
    const q = new PendingAcks()
    q.push(1, 1, 10)
    q.push(2, 3, 20)
    q.push(3, 0, 30) // needs nothing itself, but acks are cumulative: it waits behind frame 2
    const { acked, target } = collector()
    q.release(2, target)
    expect(acked).toEqual([[1, 10]])
    expect(q.size).toBe(2)
    q.release(3, target)
    expect(acked).toEqual([[1, 10], [2, 20], [3, 30]])
    expect(q.isEmpty).toBe(true)
  })

  it('keeps its array bounded under a queue that never runs empty', () => {
    const q = new PendingAcks()
    const { acked, target } = collector()
    let frame = 0
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 500; i++) q.push(++frame, frame, 0)
      q.release(frame - 10, target) // ten frames stay behind every time
      expect(q.size).toBe(10)
    }
    expect(acked).toHaveLength(50 * 500 - 10)
    expect(acked.map(([f]) => f)).toEqual(Array.from({ length: 50 * 500 - 10 }, (_, i) => i + 1))
    expect(q.storedLength).toBeLessThan(3 * 4096)
  })

  it('forgets everything on clear', () => {
    const q = new PendingAcks()
    q.push(1, 5, 0)
    q.clear()
    const { acked, target } = collector()
    q.release(10, target)
    expect(acked).toEqual([])
    expect(q.isEmpty).toBe(true)
  })
})
