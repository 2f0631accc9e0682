// HubSpot's search index lags writes ("a few moments"): a record changed just before a pull's
// window closed is not found by that window's search. The next window starts
// BRIDGE_PULL_OVERLAP_MS before the last one ended, so it finds the record once the index has it;
// with no overlap the record would never be pulled (only a webhook or the full reconcile would
// bring it). The emulator models the lag (searchLagMs) on its own clock, moved by hand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createCrmEmulator, type CrmEmulator } from '@crm-sync/crm-emulator'
import { bridgeConfigSchema } from './bridge-config'
import { createHubSpotAdapter, type HubSpotAdapter } from './hubspot-adapter'
import { pullIncremental } from './incremental-pull'
import { createMemoryBridgeStateStore } from './memory-bridge-state-store'

const LAG_MS = 5_000

describe('incremental pull over a lagging search index', () => {
  let now = Date.parse('2026-01-05T10:00:00Z')
  let crm: CrmEmulator
  let adapter: HubSpotAdapter

  beforeEach(async () => {
    crm = createCrmEmulator({ clock: () => now, faults: { searchLagMs: LAG_MS } })
    const { url } = await crm.start(0, '127.0.0.1')
    adapter = createHubSpotAdapter({ accessToken: crm.token, basePath: url })
  })
  afterEach(async () => {
    adapter.stop()
    await crm.stop()
  })

  /** Two pulls: one just after the change (the index lags), one a minute later. */
  const pullTwice = async (overlapMs: number): Promise<string[]> => {
    const state = createMemoryBridgeStateStore()
    const seen: string[] = []
    const pull = () => pullIncremental({
      crm: adapter, state, type: 'companies', properties: ['name'], overlapMs, now: () => now,
      onPage: async (records) => void seen.push(...records.map((r) => r.properties['name'] ?? '')),
    })
    await pull() // nothing yet: an empty CRM
    now += 60_000
    crm.store.create('companies', { name: 'Changed just before the window closed' }, { source: 'CRM_UI' })
    now += 1_000
    await pull() // the index does not have it yet
    expect(seen).toEqual([])
    now += 60_000
    await pull()
    return seen
  }

  it("finds the record in the next window, which starts the default overlap before the last one's end", async () => {
    const overlap = bridgeConfigSchema.shape.BRIDGE_PULL_OVERLAP_MS.parse(undefined)
    expect(overlap).toBeGreaterThan(LAG_MS)
    expect(await pullTwice(overlap)).toEqual(['Changed just before the window closed'])
  })

  it('misses it with no overlap: what the overlap is for', async () => {
    expect(await pullTwice(0)).toEqual([])
  })
})
