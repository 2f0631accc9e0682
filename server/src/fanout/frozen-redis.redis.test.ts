// A Redis that stops answering on an open connection (a stopped process, a silent network), through
// a proxy in front of the local Redis: the health check and publishes give up after the command
// timeout instead of piling up until it answers again, and all is well once it does.
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMetrics } from '../metrics'
import { createMemoryDocStore } from '../store/memory-doc-store'
import { startFreezableTcpProxy, type FreezableTcpProxy } from '../testing/freezable-tcp-proxy'
import { TEST_REDIS_URL, uniquePrefix } from '../testing/test-redis'
import { RedisFanOut } from './redis-fan-out'

const COMMAND_TIMEOUT_MS = 300

describe('the fan-out against a Redis that stops answering', () => {
  let proxy: FreezableTcpProxy
  let fanOut: RedisFanOut

  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL)
    proxy = await startFreezableTcpProxy({ host: target.hostname, port: Number(target.port || 6379) })
    const url = new URL(TEST_REDIS_URL)
    url.port = String(proxy.port)
    const store = createMemoryDocStore()
    fanOut = new RedisFanOut({
      url: url.toString(), prefix: uniquePrefix(), store, metrics: createMetrics(), log: pino({ level: 'silent' }), commandTimeoutMs: COMMAND_TIMEOUT_MS,
    })
    await fanOut.start()
  })
  afterAll(async () => {
    await fanOut.stop()
    await proxy.close()
  })

  it('gives up the health check after the command timeout, and passes again once Redis answers', async () => {
    await fanOut.health.check()
    proxy.freeze()
    const started = Date.now()
    await expect(fanOut.health.check()).rejects.toThrow(/timed out/i)
    const ms = Date.now() - started
    expect(ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 50)
    expect(ms).toBeLessThan(COMMAND_TIMEOUT_MS + 2_000)
    proxy.thaw()
    await fanOut.health.check()
  })
})
