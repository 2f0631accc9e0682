// The status state machine driven by the real relay: token refresh on 4401, stopping on 4403
// and 1009, a viewer's refused edits, failing getToken, and going offline and online on purpose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDevice, recordStates, sleep, startTestServer, waitFor, type TestServer } from './test-support'
import type { TokenRequest } from './get-token'
import { isSyncClientError } from './sync-client-error'

describe('connection states against the real relay', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ MAX_FRAME_BYTES: String(64 * 1024) })
  })
  afterAll(async () => {
    await server.dispose()
  })

  /** alice, north-territory's owner, gives bob a role through the API. */
  const setRole = async (role: string) => {
    const res = await fetch(`${server.url}/api/books/north-territory/members/bob`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await server.token('alice')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role }),
    })
    expect(res.ok).toBe(true)
  }

  it('4401: fetches a new token, saying the last was refused, and retries at once', async () => {
    const tokens: string[] = []
    const requests: (TokenRequest | undefined)[] = []
    const getToken = async (request?: TokenRequest) => {
      requests.push(request)
      // The first token has expired a minute ago; the relay closes 4401.
      const t = tokens.length === 0 ? await server.tokens.issue({ userId: 'alice', name: 'alice' }, -60) : await server.token('alice')
      tokens.push(t)
      return t
    }
    const handle = makeDevice(server).open({ connect: false, getToken })
    const states = recordStates(handle)
    const errors: (string | null)[] = [null]
    handle.on('status', (s) => errors.at(-1) !== (s.error?.code ?? null) && errors.push(s.error?.code ?? null))
    handle.connect()
    await handle.whenSynced()
    expect(tokens).toHaveLength(2)
    // The relay completes the upgrade before it checks the token (browsers cannot see a refused
    // upgrade's status), so the first socket opens and then closes with 4401.
    expect(states).toEqual(['offline', 'connecting', 'syncing', 'offline', 'connecting', 'syncing', 'synced'])
    expect(errors).toEqual([null, 'not-authenticated', null])
    expect(requests).toEqual([undefined, { refused: true }])
    // Synced: the next connect asks for a token as usual again.
    handle.disconnect()
    handle.connect()
    await handle.whenSynced()
    expect(requests).toEqual([undefined, { refused: true }, undefined])
    await handle.close()
  })

  it('a token that expires while connected: the relay closes 4401, a fresh token carries on, edits made after are saved', async () => {
    const tokens: string[] = []
    const getToken = async () => {
      // The first token lasts one to two seconds (its exp is a whole second), the next ones an hour.
      const t = await server.tokens.issue({ userId: 'alice', name: 'alice' }, tokens.length === 0 ? 2 : 3600)
      tokens.push(t)
      return t
    }
    const handle = makeDevice(server).open({ getToken })
    const errors: (string | null)[] = [null]
    handle.on('status', (s) => errors.at(-1) !== (s.error?.code ?? null) && errors.push(s.error?.code ?? null))
    try {
      await handle.whenSynced()
      await waitFor(() => tokens.length === 2, 5000, 'a fresh token after the first expired')
      await waitFor(() => handle.status.state === 'synced', 5000, 'synced again')
      expect(errors).toEqual([null, 'not-authenticated', null])
      const id = handle.customers.create({ name: 'Made After The Token Was Renewed' })
      await handle.whenSynced()
      expect(await server.books.read('north-territory', (d) => d.getMap('customers').has(id))).toBe(true)
      await sleep(2500) // the fresh token's connection stays open
      expect(tokens).toHaveLength(2)
      expect(handle.status.state).toBe('synced')
    } finally {
      await handle.close()
    }
  })

  it('4401 with every token: gives up after maxAuthRetries and says why', async () => {
    let calls = 0
    const getToken = async () => {
      calls++
      return server.tokens.issue({ userId: 'alice', name: 'alice' }, -60)
    }
    const handle = makeDevice(server).open({ getToken, maxAuthRetries: 2 })
    await expect(handle.whenSynced()).rejects.toSatisfy((e) => isSyncClientError(e, 'stopped'))
    expect(handle.status).toMatchObject({ state: 'offline', nextRetryAt: null, error: { code: 'not-authenticated' } })
    expect(calls).toBe(3)
    await sleep(300)
    expect(calls).toBe(3)
    await handle.close()
  })

  it('4403: stops retrying and reports not-member; connect() tries again', async () => {
    let calls = 0
    const handle = makeDevice(server, 'mallory').open({ getToken: () => (calls++, server.token('mallory')) })
    const states = recordStates(handle)
    const stopped = await handle.whenSynced().catch((e: unknown) => e)
    expect(isSyncClientError(stopped, 'stopped') && stopped.syncError?.code).toBe('not-member')
    expect(handle.status).toMatchObject({ state: 'offline', nextRetryAt: null, error: { code: 'not-member' } })
    expect(states).toEqual(['offline', 'connecting', 'syncing', 'offline'])
    await sleep(300)
    expect(calls).toBe(1)
    handle.connect()
    await waitFor(() => calls === 2 && handle.status.state === 'offline', 5000, 'second refusal')
    await handle.close()
  })

  it('a failing getToken is reported and retried with backoff', async () => {
    let calls = 0
    const getToken = async () => {
      if (++calls < 3) throw new Error('auth server unreachable')
      return server.token('alice')
    }
    const handle = makeDevice(server).open({ getToken })
    const seen: string[] = []
    handle.on('status', (s) => s.error && seen.push(s.error.code))
    await handle.whenSynced()
    expect(calls).toBe(3)
    expect(seen).toContain('token-unavailable')
    expect(handle.status.error).toBeNull()
    await handle.close()
  })

  it('a viewer\'s edits are refused: read-only, and they stay pending', async () => {
    const handle = makeDevice(server, 'dave').open()
    await handle.whenSynced()
    const [id] = handle.doc.getMap('customers').keys()
    handle.customers.set(id!, 'industry', 'Viewer Was Here')
    await waitFor(() => handle.status.error?.code === 'read-only', 5000, 'read-only error')
    await sleep(100)
    expect(handle.status).toMatchObject({ state: 'synced', pendingLocal: 1 })
    await handle.close()
  })

  it('1009: a change above the relay\'s frame limit stops with too-big', async () => {
    const device = makeDevice(server)
    const handle = device.open({ connect: false })
    await handle.whenLoaded
    handle.customers.create({ name: 'Huge Notes Inc', notes: 'x'.repeat(100 * 1024) })
    handle.connect()
    await expect(handle.whenSynced()).rejects.toSatisfy((e) => isSyncClientError(e, 'stopped'))
    expect(handle.status).toMatchObject({ state: 'offline', error: { code: 'too-big' }, pendingLocal: 1 })
    await handle.close()
  })

  it('disconnect() and connect() go offline and online on purpose', async () => {
    const handle = makeDevice(server).open()
    await handle.whenSynced()
    handle.disconnect()
    expect(handle.status).toMatchObject({ state: 'offline', nextRetryAt: null })
    await sleep(200)
    expect(handle.status.state).toBe('offline')
    handle.connect()
    await handle.whenSynced()
    await handle.close()
    expect(handle.status.state).toBe('offline')
    await expect(handle.whenSynced()).rejects.toSatisfy((e) => isSyncClientError(e, 'closed'))
  })

  it('close() rejects a pending whenSynced', async () => {
    const handle = makeDevice(null).open()
    const waiting = handle.whenSynced().catch((e: unknown) => e)
    await handle.close()
    expect(isSyncClientError(await waiting, 'closed')).toBe(true)
  })

  it("status.role follows what the relay says: at connect, and at once when the user's membership changes", async () => {
    const handle = makeDevice(server, 'bob').open()
    expect(handle.status.role).toBeNull()
    try {
      await handle.whenSynced()
      expect(handle.status.role).toBe('editor')
      await setRole('viewer')
      await waitFor(() => handle.status.role === 'viewer', 5000, 'the demotion')
      await setRole('editor')
      await waitFor(() => handle.status.role === 'editor', 5000, 'the promotion')
      handle.disconnect()
      expect(handle.status).toMatchObject({ state: 'offline', role: 'editor' }) // the last word heard
    } finally {
      await setRole('editor')
      await handle.close()
    }
  })

  it("sends the edits the relay refused once the user is made an editor again, without waiting for a reconnect", async () => {
    const handle = makeDevice(server, 'bob').open()
    try {
      await handle.whenSynced()
      await setRole('viewer')
      await waitFor(() => handle.status.role === 'viewer', 5000, 'the demotion')
      const id = handle.customers.create({ name: 'Made While A Viewer' })
      await waitFor(() => handle.status.error?.code === 'read-only', 5000, 'the refusal')
      expect(handle.status.pendingLocal).toBe(1)
      await setRole('editor')
      await handle.whenSynced() // pendingLocal 0: acknowledged
      expect(handle.status.error).toBeNull()
      const stored = await server.books.read('north-territory', (d) => d.getMap('customers').has(id))
      expect(stored).toBe(true)
    } finally {
      await setRole('editor')
      await handle.close()
    }
  })
})
