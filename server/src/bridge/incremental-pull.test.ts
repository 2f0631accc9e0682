// 25,000 CRM records sharing one hs_lastmodifieddate: the id-keyed window walk fetches every one,
// where offset paging would hit the 10,000-result search cap; an interrupted walk resumes from
// its saved position without skipping or repeating.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCrmEmulator, type CrmEmulator } from '@crm-sync/crm-emulator'
import { createHubSpotAdapter, type HubSpotAdapter } from './hubspot-adapter'
import { createMemoryBridgeStateStore } from './memory-bridge-state-store'
import { pullIncremental, readPullCursor } from './incremental-pull'

const COUNT = 25_000
const STAMP = Date.parse('2025-01-01T00:00:00.000Z')

describe('incremental pull', () => {
  let crm: CrmEmulator
  let adapter: HubSpotAdapter

  beforeAll(async () => {
    // A frozen clock: every create and update gets the very same hs_lastmodifieddate.
    crm = createCrmEmulator({ clock: () => STAMP, rateLimits: { maxPerWindow: 10_000_000, searchMaxPerWindow: 10_000_000, daily: 10_000_000 } })
    crm.store.transaction(() => {
      for (let i = 0; i < COUNT; i++) crm.store.create('companies', { name: `Co ${i}` }, { source: 'IMPORT' })
    })
    crm.store.transaction(() => {
      for (const r of crm.store.list('companies')) crm.store.update('companies', r.id, { industry: 'Bulk edit' }, { source: 'CRM_UI' })
    })
    const { url } = await crm.start(0, '127.0.0.1')
    adapter = createHubSpotAdapter({ accessToken: crm.token, basePath: url, limits: { maxPerWindow: 1_000_000, searchMaxPerWindow: 1_000_000 } })
  }, 120_000)

  afterAll(async () => {
    adapter?.stop()
    await crm?.stop()
  })

  it('the records really share one timestamp, and offset paging stops at 10,000', async () => {
    const stamps = new Set(crm.store.list('companies').map((r) => r.properties['hs_lastmodifieddate']))
    expect(stamps).toEqual(new Set([new Date(STAMP).toISOString()]))
    const res = await fetch(`${crm.url}/crm/v3/objects/companies/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${crm.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filterGroups: [], sorts: ['hs_object_id'], limit: 100, after: '10000' }),
    })
    expect(res.status).toBe(400)
  })

  it('fetches all 25,000 records updated with the same hs_lastmodifieddate', async () => {
    const state = createMemoryBridgeStateStore()
    const seen = new Set<string>()
    let pages = 0
    const fetched = await pullIncremental({
      crm: adapter, state, type: 'companies', properties: ['name', 'industry'], overlapMs: 0, now: () => STAMP + 1_000,
      onPage: async (records) => {
        pages++
        for (const r of records) seen.add(r.id)
      },
    })
    expect(fetched).toBe(COUNT)
    expect(seen.size).toBe(COUNT)
    expect(pages).toBe(Math.ceil(COUNT / 200))
    expect(await readPullCursor(state, 'companies')).toEqual({ since: STAMP + 1_000 })
  }, 120_000)

  it('an interrupted window resumes where it stopped, skipping nothing', async () => {
    const state = createMemoryBridgeStateStore()
    const seen: string[] = []
    let pages = 0
    const run = (failAfterPages: number) => pullIncremental({
      crm: adapter, state, type: 'companies', properties: ['name'], overlapMs: 0, now: () => STAMP + 1_000,
      onPage: async (records) => {
        if (++pages === failAfterPages) throw new Error('killed mid-window')
        seen.push(...records.map((r) => r.id))
      },
    })
    await expect(run(30)).rejects.toThrow('killed mid-window')
    expect((await readPullCursor(state, 'companies')).afterId).toBeDefined()
    await run(-1)
    // The page that was interrupted is fetched again; nothing is skipped. A fresh window up to
    // "now" follows the finished one (it finds the records again: they sit at its lower edge).
    expect(new Set(seen).size).toBe(COUNT)
    expect(seen.length).toBeGreaterThanOrEqual(COUNT)
  }, 120_000)
})
