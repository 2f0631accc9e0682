// Backoff delays and the close-code policy, without a network.
import { describe, expect, it } from 'vitest'
import { CLOSE_CODE } from '@crm-sync/protocol'
import { backoffDelay } from './backoff'
import { decideOnClose } from './close-policy'

describe('backoff', () => {
  it('doubles per attempt up to the cap, with jitter in the upper half', () => {
    const o = { initialMs: 100, maxMs: 1000 }
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, o, () => 0))).toEqual([50, 100, 200, 400, 500, 500])
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, o, () => 0.999999))).toEqual(
      [100, 200, 400, 800, 1000, 1000].map((cap) => expect.closeTo(cap, 2)),
    )
  })

  it('spreads devices apart', () => {
    const delays = new Set(Array.from({ length: 50 }, () => Math.round(backoffDelay(3))))
    expect(delays.size).toBeGreaterThan(10)
  })
})

describe('close policy', () => {
  it.each([
    [CLOSE_CODE.notAuthenticated, 'refresh-token', 'not-authenticated'],
    [CLOSE_CODE.notMember, 'stop', 'not-member'],
    [CLOSE_CODE.malformed, 'stop', 'malformed'],
    [CLOSE_CODE.tooBig, 'stop', 'too-big'],
    [4409, 'stop', 'refused'],
    [1011, 'retry', 'server-error'],
    [CLOSE_CODE.goingAway, 'retry', null],
    [CLOSE_CODE.tryAgainLater, 'retry', null],
    [1006, 'retry', null],
    [4500, 'retry', null],
  ])('close %i -> %s (%s)', (code, action, error) => {
    const d = decideOnClose(code, 'why')
    expect(d.action).toBe(action)
    expect(d.error?.code ?? null).toBe(error)
  })
})
