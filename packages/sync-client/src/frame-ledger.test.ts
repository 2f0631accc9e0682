// Which pending local updates an acknowledged frame covers (protocol README, last bullet).
import { describe, expect, it } from 'vitest'
import { FrameLedger } from './frame-ledger'
import { PendingLocal } from './pending-local'

const bytes = (...b: number[]) => new Uint8Array(b)

describe('frame ledger', () => {
  it('step 2 covers every earlier local update; an update frame covers what it carries', () => {
    const pending = new PendingLocal()
    pending.restore(['old-1', 'old-2']) // from IndexedDB, made offline
    const ledger = new FrameLedger()
    const live = pending.record(bytes(1, 2, 3)) // typed after the socket opened, before step 2
    ledger.sent(pending.carriedBy(bytes(1, 2, 3))) // frame 1
    ledger.sent(pending.all()) // frame 2: step 2
    const later = pending.record(bytes(4))
    ledger.sent(pending.carriedBy(bytes(4))) // frame 3
    expect(ledger.acknowledge(1)).toEqual([live]) // not the offline ones: they travel in frame 2
    expect(pending.acknowledge([live])).toEqual([live])
    expect(ledger.acknowledge(2).sort()).toEqual(['old-1', 'old-2', live].sort())
    expect(ledger.acknowledge(3)).toEqual([later])
  })

  it('an update frame that is not the latest local update covers nothing (another tab\'s change)', () => {
    const pending = new PendingLocal()
    pending.record(bytes(9))
    expect(pending.carriedBy(bytes(8))).toEqual([])
    expect(pending.carriedBy(bytes(9, 9))).toEqual([])
  })

  it('never goes backwards, clamps acks beyond what was sent, skips refused frames', () => {
    const ledger = new FrameLedger()
    ledger.sent(['a'])
    ledger.sent(['b'])
    ledger.refuse(2)
    expect(ledger.acknowledge(5)).toEqual(['a'])
    expect(ledger.ackedFrames).toBe(2)
    expect(ledger.acknowledge(1)).toEqual([])
    ledger.sent(['c'])
    expect(ledger.acknowledge(3)).toEqual(['c'])
  })

  it('makes ids unique per session', () => {
    const a = new PendingLocal()
    const b = new PendingLocal()
    expect(a.record(bytes(1))).not.toBe(b.record(bytes(1)))
  })
})
