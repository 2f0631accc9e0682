// The role extension (`role=1`, frame 102): a client that asked is told its role right after the
// relay's sync step 1 and every time it changes while connected, a promotion too (an app learns of
// it at once instead of at its next book-list fetch). Clients that did not ask, unmodified
// y-websocket ones and earlier clients of ours that decode strictly, never get the frame.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CLOSE_CODE, decodeMessage, encodeRole, type Message } from '@crm-sync/protocol'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, connectRaw, waitFor, whenSynced, type RawClient } from '../testing/ws-clients'

const BOOK = 'north-territory' // alice owns it, bob edits it

describe('the role extension', () => {
  let server: TestServer

  const setRole = async (user: string, role: string) => {
    const res = await fetch(`${server.url}/api/books/${BOOK}/members/${user}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await server.token('alice')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role }),
    })
    expect(res.status).toBeLessThan(300)
  }
  const connect = async (user: string, params: string): Promise<RawClient> => {
    const raw = await connectRaw(`${server.wsUrl}/${BOOK}?${params}&token=${await server.token(user)}`)
    await waitFor(() => raw.frames.length > 0, 5000, `${user} greeted`)
    return raw
  }
  const messages = (raw: RawClient): Message[] => raw.frames.map((f) => decodeMessage(f))
  const roles = (raw: RawClient): string[] => messages(raw).flatMap((m) => (m.type === 'role' ? [m.role] : []))

  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.dispose()
  })

  it('tells a client that asked its role after step 1, then each change, a promotion too; others never', async () => {
    const asked = await connect('bob', 'ack=1&role=1')
    const ackOnly = await connect('bob', 'ack=1')
    // y-websocket only logs a frame it cannot read ("Unable to compute message"), and stays connected.
    const logged = vi.spyOn(console, 'error')
    const provider = connectProvider(server.wsUrl, BOOK, await server.token('bob'))
    await whenSynced(provider)
    try {
      await waitFor(() => roles(asked).length === 1, 5000, 'the role at connect')
      const first = messages(asked)
      expect(first[0]).toMatchObject({ type: 'sync', step: 0 })
      expect(first.findIndex((m) => m.type === 'role')).toBe(1)
      expect(roles(asked)).toEqual(['editor'])

      await setRole('bob', 'viewer')
      await waitFor(() => roles(asked).length === 2, 5000, 'the demotion')
      await setRole('bob', 'viewer') // no change: nothing to tell
      await setRole('bob', 'editor')
      await waitFor(() => roles(asked).length === 3, 5000, 'the promotion')
      expect(roles(asked)).toEqual(['editor', 'viewer', 'editor'])

      expect(roles(ackOnly)).toEqual([])
      expect(logged).not.toHaveBeenCalled() // y-websocket got nothing it cannot read
      expect(ackOnly.ws.readyState).toBe(ackOnly.ws.OPEN)
    } finally {
      logged.mockRestore()
      await setRole('bob', 'editor')
      asked.close()
      ackOnly.close()
      provider.destroy()
    }
  })

  it('closes a client that sends a role frame itself with 4400', async () => {
    const raw = await connect('bob', 'ack=1&role=1')
    raw.send(encodeRole('owner'))
    expect((await raw.closed).code).toBe(CLOSE_CODE.malformed)
  })
})
