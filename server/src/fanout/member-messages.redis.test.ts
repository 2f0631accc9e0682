// Membership messages from other relay instances, on a book's Redis channel: one naming a user
// applies their stored role to their connections here; one that is no user id (bad UTF-8, empty)
// is logged and dropped, closing nobody and starting no store catch-up.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLOSE_CODE } from '@crm-sync/protocol'
import { startTestServer, type TestServer } from '../testing/test-server'
import { TEST_REDIS_URL, uniquePrefix } from '../testing/test-redis'
import { connectRaw, waitFor, type RawClient } from '../testing/ws-clients'
import { FAN_OUT_KIND, encodeFanOutMessage } from './fan-out-message'

const BOOK = 'north-territory'

describe('membership messages over the fan-out', () => {
  const prefix = uniquePrefix()
  let server: TestServer
  let redis: Redis

  const publish = (payload: Uint8Array) =>
    redis.publish(`${prefix}book:${BOOK}`, Buffer.from(encodeFanOutMessage({ kind: FAN_OUT_KIND.member, instance: 'another-instance', seq: 0, payload })))
  const connect = async (user: string): Promise<RawClient> => {
    const raw = await connectRaw(`${server.wsUrl}/${BOOK}?token=${await server.token(user)}`)
    await waitFor(() => raw.frames.length > 0, 5000, `${user} greeted`)
    return raw
  }

  beforeAll(async () => {
    server = await startTestServer({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix })
    redis = new Redis(TEST_REDIS_URL)
  })
  afterAll(async () => {
    redis?.disconnect()
    await server?.dispose()
  })

  it('drops a message whose user id is not UTF-8, or empty, and closes nobody', async () => {
    const bob = await connect('bob')
    await server.persistence.directory.removeMember(BOOK, 'bob') // only a message for bob would tell the relay
    try {
      await publish(new Uint8Array([0xff, 0xfe, 0x62]))
      await publish(new Uint8Array([]))
      await new Promise((r) => setTimeout(r, 300))
      expect(bob.ws.readyState).toBe(bob.ws.OPEN)
      await publish(new TextEncoder().encode('bob'))
      expect((await bob.closed).code).toBe(CLOSE_CODE.notMember)
    } finally {
      await server.persistence.directory.setMember(BOOK, 'bob', 'editor')
    }
  })
})
