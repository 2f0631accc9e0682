// The bridge's HTTP surface refuses what it must: webhooks with a bad signature, an old
// timestamp or a replay; malformed, oversized and unauthorised input on every new endpoint.
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBridgeRig, WEBHOOK_SECRET, type BridgeRig } from './bridge-test-kit'
import { v3Signature } from './webhook-routes'

describe('bridge endpoints', () => {
  let rig: BridgeRig
  let url: string
  let alice: string

  beforeAll(async () => {
    rig = await startBridgeRig({ env: { BRIDGE_WEBHOOK_SETUP: 'false' } })
    url = rig.server.url
    alice = await rig.server.token('alice')
  })
  afterAll(async () => {
    await rig?.dispose()
  })

  const hookUrl = () => `${url}/api/crm/webhooks`
  const event = (over: Record<string, unknown> = {}) => ({
    eventId: 1, subscriptionId: 1, portalId: 62515, appId: 1, occurredAt: Date.now(), subscriptionType: 'company.propertyChange',
    attemptNumber: 0, objectId: 1001, changeSource: 'CRM_UI', propertyName: 'name', propertyValue: 'x', ...over,
  })
  const post = (body: string, o: { timestamp?: number; secret?: string; signature?: string; headers?: Record<string, string> } = {}) => {
    const timestamp = String(o.timestamp ?? Date.now())
    const signature = o.signature ?? v3Signature(o.secret ?? WEBHOOK_SECRET, 'POST', hookUrl(), body, timestamp)
    return fetch(hookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp, ...o.headers },
      body,
    })
  }

  describe('POST /api/crm/webhooks', () => {
    it('accepts a correctly signed, fresh delivery once', async () => {
      const body = JSON.stringify([event({ eventId: 10 })])
      const timestamp = Date.now()
      expect((await post(body, { timestamp })).status).toBe(204)
      const replay = await post(body, { timestamp })
      expect(replay.status).toBe(409)
      expect(await replay.json()).toMatchObject({ error: { code: 'replayed' } })
    })

    it('refuses a bad signature, compared in constant time', async () => {
      const body = JSON.stringify([event({ eventId: 11 })])
      expect((await post(body, { secret: 'not-the-secret' })).status).toBe(401)
      expect((await post(body, { signature: 'short' })).status).toBe(401)
      const tampered = await post(body.replace('"name"', '"phone"'), { signature: v3Signature(WEBHOOK_SECRET, 'POST', hookUrl(), body, String(Date.now())) })
      expect(tampered.status).toBe(401)
    })

    it('refuses a timestamp older than five minutes (or far in the future), even correctly signed', async () => {
      const body = JSON.stringify([event({ eventId: 12 })])
      const old = await post(body, { timestamp: Date.now() - 5 * 60_000 - 1_000 })
      expect(old.status).toBe(401)
      expect(await old.json()).toMatchObject({ error: { code: 'stale-request' } })
      expect((await post(body, { timestamp: Date.now() + 10 * 60_000 })).status).toBe(401)
      expect((await post(body, { headers: { 'x-hubspot-request-timestamp': 'yesterday' } })).status).toBe(401)
    })

    it('refuses unsigned, malformed and oversized bodies', async () => {
      const unsigned = await fetch(hookUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' })
      expect(unsigned.status).toBe(401)
      expect((await post('{not json')).status).toBe(400)
      expect((await post(JSON.stringify({ events: [] }))).status).toBe(400)
      expect((await post(JSON.stringify([]))).status).toBe(400)
      expect((await post(JSON.stringify([{ eventId: 'x' }]))).status).toBe(400)
      const huge = JSON.stringify([event({ propertyValue: 'x'.repeat(1_200_000) })])
      expect(await postOnFreshSocket(huge)).toBe(413)
      // The bridge is still serving.
      expect((await post(JSON.stringify([event({ eventId: 13 })]))).status).toBe(204)
    })

    it('records nothing for a signed delivery it refuses as malformed', async () => {
      for (const [body, code] of [['{not json', 'invalid-json'], [JSON.stringify([{ eventId: 'x' }]), 'invalid-body']] as const) {
        const timestamp = Date.now()
        expect((await post(body, { timestamp })).status).toBe(400)
        // Sent again, it is refused for what it is, not as a replay: its signature was not kept.
        const again = await post(body, { timestamp })
        expect(again.status).toBe(400)
        expect(await again.json()).toMatchObject({ error: { code } })
      }
    })
  })

  /** The server answers 413 before reading it all, so this one goes on its own connection. */
  const postOnFreshSocket = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const timestamp = String(Date.now())
      const req = request(hookUrl(), {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
          'x-hubspot-signature-v3': v3Signature(WEBHOOK_SECRET, 'POST', hookUrl(), body, timestamp), 'x-hubspot-request-timestamp': timestamp,
        },
      }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end(body)
    })

  const get = (path: string, token?: string) =>
    fetch(`${url}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })

  for (const endpoint of ['/api/books/north-territory/conflicts', '/api/books/north-territory/attention', '/api/sync/status']) {
    describe(`GET ${endpoint}`, () => {
      it('needs a valid token', async () => {
        expect((await get(endpoint)).status).toBe(401)
        expect((await get(endpoint, 'not.a.jwt')).status).toBe(401)
        expect((await get(endpoint, 'x'.repeat(10_000))).status).toBe(401)
      })
      it('answers a member', async () => {
        const res = await get(endpoint, alice)
        expect(res.status).toBe(200)
        expect(res.headers.get('content-type')).toContain('application/json')
      })
      it('refuses unknown or malformed query parameters', async () => {
        expect((await get(`${endpoint}?limit=abc`, alice)).status).toBe(400)
        expect((await get(`${endpoint}?limit=1000000`, alice)).status).toBe(400)
        expect((await get(`${endpoint}?drop=table`, alice)).status).toBe(400)
      })
    })
  }

  for (const which of ['conflicts', 'attention']) {
    it(`${which}: members only, and book ids are checked`, async () => {
      const carol = await rig.server.token('carol') // not a member of north-territory
      expect((await get(`/api/books/north-territory/${which}`, carol)).status).toBe(403)
      expect((await get(`/api/books/no-such-book/${which}`, alice)).status).toBe(403)
      expect((await get(`/api/books/${'b'.repeat(300)}/${which}`, alice)).status).toBe(400)
      expect((await get(`/api/books/%2e%2e%2fetc/${which}`, alice)).status).toBe(400)
      // The viewer role is enough to read.
      expect((await get(`/api/books/north-territory/${which}`, await rig.server.token('dave'))).status).toBe(200)
    })
  }

  it('sync status names only the bridged books the caller is a member of', async () => {
    const status = async (user: string) => {
      const res = await get('/api/sync/status', await rig.server.token(user))
      expect(res.status).toBe(200)
      return (await res.json()) as Record<string, any>
    }
    const outsider = await status('mallory') // a member of no book
    expect(outsider).toMatchObject({ enabled: true, running: true, books: [], lastError: null, consistency: { ratio: expect.any(Number) } })
    expect((await status('carol')).books).toEqual(['key-accounts'])
    expect([...(await status('dave')).books].sort()).toEqual(['key-accounts', 'north-territory'])
  })

  it('sync status reports the health figures', async () => {
    await rig.settle()
    const res = await get('/api/sync/status', alice)
    const body = (await res.json()) as Record<string, any>
    expect(body).toMatchObject({
      enabled: true, running: true, crm: 'hubspot', consistency: { ratio: 1 },
      queue: { changes: 0, outbox: 0 }, deadLetters: 0, errors: { total: expect.any(Number), crmRetries: expect.any(Number) },
      lag: { toCrm: { samples: expect.any(Number) }, fromCrm: { samples: expect.any(Number) } },
    })
    expect(body['books']).toEqual(expect.arrayContaining(['north-territory', 'key-accounts']))
    const metrics = await (await fetch(`${url}/metrics`)).text()
    for (const name of ['crm_bridge_consistency_ratio', 'crm_bridge_sync_lag_seconds', 'crm_bridge_queue_depth', 'crm_bridge_errors_total', 'crm_bridge_webhooks_total']) {
      expect(metrics).toContain(name)
    }
    expect(metrics).toMatch(/crm_bridge_webhooks_total\{outcome="bad-signature"\} [1-9]/)
    expect(metrics).toMatch(/crm_bridge_webhooks_total\{outcome="replay"\} [1-9]/)
  })
})
