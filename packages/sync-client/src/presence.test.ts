// Presence through the handle's awareness: the user field we set goes out, the relay stamps
// the identity from the token, and a closed handle disappears from the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryStore } from './memory-local-store'
import { openBook } from './open-book'
import { makeDevice, startTestServer, waitFor, type TestServer } from './test-support'

describe('presence and options', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.dispose()
  })

  it('shares presence with a server-stamped identity', async () => {
    const a = makeDevice(server, 'alice').open({ userName: 'Not Really Alice' })
    const b = makeDevice(server, 'bob').open()
    await Promise.all([a.whenSynced(), b.whenSynced()])
    await waitFor(() => b.awareness.getStates().has(a.doc.clientID), 5000, 'presence of a at b')
    const seen = b.awareness.getStates().get(a.doc.clientID) as { user: { id: string; name: string } }
    expect(seen.user).toMatchObject({ id: 'alice', name: 'alice' })
    await a.close()
    await waitFor(() => !b.awareness.getStates().has(a.doc.clientID), 5000, 'a gone at b')
    await b.close()
  })

  it('runs on any LocalStore (memory here) and refuses to connect without a WebSocket class', async () => {
    const store = createMemoryStore()
    const local = openBook({ serverUrl: server.wsUrl, bookId: 'north-territory', getToken: () => server.token('alice'), store, connect: false, crossTabChannel: false })
    await local.whenLoaded
    const id = local.customers.create({ name: 'Memory Only' })
    if (typeof (globalThis as { WebSocket?: unknown }).WebSocket !== 'function') {
      expect(() => local.connect()).toThrow(expect.objectContaining({ code: 'no-websocket' }))
    }
    await local.close()
    const again = openBook({ serverUrl: server.wsUrl, bookId: 'north-territory', getToken: () => server.token('alice'), store, connect: false, crossTabChannel: false })
    await again.whenLoaded
    expect(again.customers.read(id)?.createdBy).toBe('unknown')
    await again.close()
  })
})
