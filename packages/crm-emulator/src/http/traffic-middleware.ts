// What stands between a caller and the API handlers: rate limits first (as HubSpot counts them),
// then injected faults (latency, error statuses), and after the handler a dropped response
// when a "commit but drop" fault fires.
import { createMiddleware } from 'hono/factory'
import { EmulatorError } from '../errors'
import type { FaultInjector } from '../faults/fault-injector'
import type { EmulatorEnv } from './hono-env'
import type { RateLimiter } from './rate-limiter'

const isSearch = (path: string): boolean => /\/search$/.test(path)

export function trafficMiddleware(limiter: RateLimiter, faults: FaultInjector) {
  return createMiddleware<EmulatorEnv>(async (c, next) => {
    const key = c.req.header('authorization') ?? c.req.query('hapikey') ?? 'anonymous'
    const search = isSearch(c.req.path)
    const headers = limiter.take(key, search ? 'search' : 'standard')
    const plan = faults.forRequest(c.req.method, search)
    if (plan.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.latencyMs))
    if (plan.error) throw plan.error
    await next()
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value)
    if (!plan.dropResponse || c.res.status >= 400) return
    if (faults.current.dropResponseMode === 'reset' && resetConnection(c.env)) return
    throw new EmulatorError('injected-fault', 'Gateway timeout (the write was committed; the response was dropped by the emulator)', {
      status: 504,
      category: 'GATEWAY_TIMEOUT',
    })
  })
}

/** Destroys the caller's socket when served by @hono/node-server; false when there is none. */
function resetConnection(env: unknown): boolean {
  const socket = (env as { incoming?: { socket?: { destroy(): void; destroyed?: boolean } } } | undefined)?.incoming?.socket
  if (!socket) return false
  socket.destroy()
  return true
}
