// A server verifying tokens against a JWKS endpoint (AUTH_MODE=jwt, AUTH_JWKS_URL) while that
// endpoint is down: the HTTP API answers 503 with Retry-After and the relay closes with 1013, so
// clients wait and retry instead of fetching new tokens and giving up; once the endpoint is back,
// the same token works. A forged token is still refused as not authenticated. While the endpoint
// is slow, the relay reads nothing from a client whose token it is still checking.
import { generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLOSE_CODE } from '@crm-sync/protocol'
import { DEFAULT_RETRY_FETCH_MS } from './jwks-keys'
import { signWith, startJwksServer, type JwksServer } from '../testing/jwks-server'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, connectRaw, whenSynced } from '../testing/ws-clients'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('a JWKS endpoint that is down', () => {
  let jwks: JwksServer
  let server: TestServer
  beforeAll(async () => {
    jwks = await startJwksServer()
    server = await startTestServer({ AUTH_MODE: 'jwt', AUTH_JWKS_URL: jwks.url })
  })
  afterAll(async () => {
    await server?.dispose()
    await jwks?.stop()
  })

  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${server.port}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    })

  it('gets 503 and 1013 while it is down, and the same token works once it is back', { timeout: 20_000 }, async () => {
    const token = await jwks.sign('alice')
    jwks.mode = 'server-error'

    const refused = await api('/api/books', token)
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('5')
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('auth-unavailable')
    const socket = await connectRaw(`${server.wsUrl}/outage-book?token=${token}`)
    expect(await socket.closed).toEqual({ code: CLOSE_CODE.tryAgainLater, reason: 'tokens cannot be verified right now' })

    // Back: the server asks the endpoint again within DEFAULT_RETRY_FETCH_MS of the failure.
    jwks.mode = 'keys'
    let status = 0
    for (const until = Date.now() + DEFAULT_RETRY_FETCH_MS + 5_000; status !== 201 && Date.now() < until; await sleep(200)) {
      status = (await api('/api/books', token, { method: 'POST', body: JSON.stringify({ id: 'outage-book', name: 'Outage' }) })).status
      if (status !== 201) expect(status).toBe(503)
    }
    expect(status).toBe(201)
    const client = connectProvider(server.wsUrl, 'outage-book', token)
    await whenSynced(client, 10_000)
    client.destroy()
  })

  it('reads nothing a client sends while its token is being checked', { timeout: 20_000 }, async () => {
    // A provider that takes 3 s to answer, and a fresh server that has no key set yet.
    const slow = await startJwksServer()
    slow.delayMs = 3_000
    const other = await startTestServer({ AUTH_MODE: 'jwt', AUTH_JWKS_URL: slow.url })
    try {
      const client = await connectRaw(`${other.wsUrl}/no-such-book?token=${await slow.sign('alice')}`)
      // 3 MB: read before the check, the third frame would pass 2 × MAX_FRAME_BYTES of early frames (1013).
      for (let i = 0; i < 3; i++) client.send(new Uint8Array(1_000_000).fill(7))
      await new Promise((r) => setTimeout(r, 300))
      const metrics = await (await fetch(`http://127.0.0.1:${other.port}/metrics`)).text()
      expect(metrics).toMatch(/^crm_relay_bytes_in_total 0$/m)
      expect(metrics).toMatch(/^crm_relay_early_frame_bytes 0$/m)
      expect((await client.closed).code).toBe(CLOSE_CODE.notMember)
    } finally {
      await other.dispose()
      await slow.stop()
    }
  })

  it('still refuses a forged token as not authenticated', async () => {
    jwks.mode = 'keys'
    const forged = await signWith((await generateKeyPair('ES256')).privateKey, 'mallory')
    expect((await api('/api/books', forged)).status).toBe(401)
    const socket = await connectRaw(`${server.wsUrl}/outage-book?token=${forged}`)
    expect((await socket.closed).code).toBe(CLOSE_CODE.notAuthenticated)
  })
})
