// A connection lasts as long as the token it was opened with: when the token expires the relay
// closes it with 4401, as it would refuse that token at connect, and the client comes back with a
// fresh one (sync-client's connection-states test shows that side). Connections opened with
// tokens that are still valid, or that never expire, stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SignJWT } from 'jose'
import { CLOSE_CODE } from '@crm-sync/protocol'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, connectRaw, waitFor, whenSynced, type RawClient } from '../testing/ws-clients'

const BOOK = 'north-territory' // alice owns it

describe('a connection whose token expires', () => {
  let server: TestServer
  const open: RawClient[] = []

  const connect = async (token: string, via: 'query' | 'header' = 'query'): Promise<RawClient> => {
    const raw =
      via === 'query'
        ? await connectRaw(`${server.wsUrl}/${BOOK}?token=${token}`)
        : await connectRaw(`${server.wsUrl}/${BOOK}`, { authorization: `Bearer ${token}` })
    open.push(raw)
    await waitFor(() => raw.frames.length > 0, 5000, 'greeted')
    return raw
  }

  beforeAll(async () => {
    // A known secret: the test also signs a token without exp, which the server never issues.
    server = await startTestServer({ AUTH_JWT_SECRET: 'k'.repeat(32) })
  })
  afterAll(async () => {
    for (const raw of open) raw.close()
    await server.dispose()
  })

  it('is closed with 4401 "token expired" once it does, whoever else stays connected', async () => {
    const shortLived = await connect(await server.tokens.issue({ userId: 'alice', name: 'Alice' }, 2))
    const byHeader = await connect(await server.tokens.issue({ userId: 'alice', name: 'Alice' }, 2), 'header')
    const longLived = await connect(await server.tokens.issue({ userId: 'alice', name: 'Alice' }, 3600))
    const noExp = await connect(await new SignJWT({ name: 'Alice' }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').sign(new TextEncoder().encode('k'.repeat(32))))

    const started = Date.now()
    expect(await shortLived.closed).toEqual({ code: CLOSE_CODE.notAuthenticated, reason: 'token expired' })
    expect(await byHeader.closed).toEqual({ code: CLOSE_CODE.notAuthenticated, reason: 'token expired' })
    expect(Date.now() - started).toBeLessThan(3000)

    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(longLived.ws.readyState).toBe(longLived.ws.OPEN)
    expect(noExp.ws.readyState).toBe(noExp.ws.OPEN)
    expect(server.relay.connectionCount).toBe(2)
  })

  it('lets an unmodified y-websocket client carry on with a fresh token, as the README shows', async () => {
    const client = connectProvider(server.wsUrl, BOOK, await server.tokens.issue({ userId: 'alice', name: 'Alice' }, 2))
    const closes: number[] = []
    client.provider.on('closed', async ({ code }: { code: number }) => {
      closes.push(code)
      if (code !== CLOSE_CODE.notAuthenticated) return
      client.provider.params.token = await server.tokens.issue({ userId: 'alice', name: 'Alice' }, 3600)
      client.provider.connect()
    })
    try {
      await whenSynced(client)
      await waitFor(() => closes.length === 1, 5000, 'the close at expiry')
      await waitFor(() => client.provider.wsconnected && client.provider.synced, 5000, 'back with the fresh token')
      // It edits on as before: the relay has its change.
      const id = 'after-renewal'
      client.doc.getMap('customers').set(id, new Y.Map())
      await expect.poll(() => server.books.read(BOOK, (d) => d.getMap('customers').has(id)), { timeout: 5000 }).toBe(true)
      expect(closes).toEqual([CLOSE_CODE.notAuthenticated])
    } finally {
      client.destroy()
    }
  })
})
