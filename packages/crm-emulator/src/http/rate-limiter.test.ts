// Rate limits over HTTP with short windows: 429 with X-HubSpot-RateLimit-* headers and a
// policyName body, search's own per-second limit, and recovery once the window has rolled.
import { afterEach, describe, expect, it } from 'vitest'
import { sdkError, startEmulator, type EmulatorFixture } from '../testing/emulator-fixture'

let t: EmulatorFixture | undefined
afterEach(() => t?.stop())

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('rate limits', () => {
  it('answers 429 TEN_SECONDLY_ROLLING past the window maximum and recovers after the window', async () => {
    t = await startEmulator({ rateLimits: { windowMs: 400, maxPerWindow: 3, searchMaxPerWindow: 100 } })
    const statuses: number[] = []
    let first: Response | undefined
    for (let i = 0; i < 3; i++) {
      const res = await t.api('/crm/v3/objects/companies')
      first ??= res
      statuses.push(res.status)
    }
    expect(statuses).toEqual([200, 200, 200])
    expect(first?.headers.get('x-hubspot-ratelimit-max')).toBe('3')
    expect(first?.headers.get('x-hubspot-ratelimit-remaining')).toBe('2')
    expect(first?.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('400')
    expect(first?.headers.get('x-hubspot-ratelimit-daily')).toBeTruthy()

    const limited = await t.api('/crm/v3/objects/companies')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('x-hubspot-ratelimit-remaining')).toBe('0')
    expect(limited.headers.get('x-hubspot-ratelimit-max')).toBe('3')
    const body = (await limited.json()) as Record<string, unknown>
    expect(body).toMatchObject({ status: 'error', policyName: 'TEN_SECONDLY_ROLLING', errorType: 'RATE_LIMIT', message: 'You have reached your ten_secondly_rolling limit.' })
    expect(typeof body.correlationId).toBe('string')
    // The SDK sees a 429 too.
    expect((await sdkError(t.client.crm.companies.basicApi.getPage())).code).toBe(429)

    await sleep(450)
    expect((await t.api('/crm/v3/objects/companies')).status).toBe(200)
  })

  it('limits search per second on its own, exempt from the rolling window', async () => {
    t = await startEmulator({ rateLimits: { windowMs: 10_000, maxPerWindow: 2, searchWindowMs: 300, searchMaxPerWindow: 2 } })
    const search = () => t!.api('/crm/v3/objects/companies/search', { method: 'POST', body: '{}' })
    expect((await search()).status).toBe(200)
    expect((await search()).status).toBe(200)
    const limited = await search()
    expect(limited.status).toBe(429)
    expect(await limited.json()).toMatchObject({ policyName: 'SECONDLY', message: 'You have reached your secondly limit.' })
    expect(limited.headers.get('x-hubspot-ratelimit-secondly-remaining')).toBe('0')
    // The rolling window was not spent by searches.
    expect((await t.api('/crm/v3/objects/companies')).status).toBe(200)
    await sleep(350)
    expect((await search()).status).toBe(200)
  })

  it('applies a daily cap', async () => {
    t = await startEmulator({ rateLimits: { daily: 2, maxPerWindow: 100 } })
    await t.api('/crm/v3/objects/companies')
    await t.api('/crm/v3/objects/companies')
    const limited = await t.api('/crm/v3/objects/companies')
    expect(limited.status).toBe(429)
    expect(await limited.json()).toMatchObject({ policyName: 'DAILY' })
  })
})
