// A bare HTTP server on 127.0.0.1 whose upgrades go to the relay's WebSocket layer, recording what
// each connection reports: for tests of the layer itself, without the relay above it.
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { acceptUpgrade } from '../websocket/accept-upgrade'
import type { ServerWebSocket, WebSocketHandlers } from '../websocket/server-websocket'

export type HarnessEvent =
  | { kind: 'message'; data: Buffer; isBinary: boolean }
  | { kind: 'pong' }
  | { kind: 'error'; error: Error }
  | { kind: 'close'; code: number }

export interface WebSocketHarness {
  readonly url: string
  readonly port: number
  /** How many upgrades were accepted so far. */
  readonly acceptedCount: number
  /** Events of every connection, in order, keyed by connection. */
  eventsOf(ws: ServerWebSocket): HarnessEvent[]
  /** Resolves with the next connection accepted (or one already accepted and not yet taken). */
  nextConnection(): Promise<ServerWebSocket>
  /** Resolves once `ws` reported an event matching `kind` (already or later). */
  waitFor<K extends HarnessEvent['kind']>(ws: ServerWebSocket, kind: K, timeoutMs?: number): Promise<Extract<HarnessEvent, { kind: K }>>
  stop(): Promise<void>
}

export interface WebSocketHarnessOptions {
  maxPayload?: number
  closeTimeoutMs?: number
  /** Runs inside the message handler before the message is recorded (a test can make it throw). */
  onMessage?: (data: Buffer) => void
}

export const startWebSocketHarness = async (opts: WebSocketHarnessOptions = {}): Promise<WebSocketHarness> => {
  const events = new Map<ServerWebSocket, HarnessEvent[]>()
  const listeners = new Set<() => void>()
  const accepted: ServerWebSocket[] = []
  const notify = () => {
    for (const l of [...listeners]) l()
  }
  const record = (ws: ServerWebSocket, event: HarnessEvent) => {
    events.get(ws)?.push(event)
    notify()
  }
  const handlers: WebSocketHandlers = {
    message: (ws, data, isBinary) => {
      opts.onMessage?.(data)
      record(ws, { kind: 'message', data: Buffer.from(data), isBinary })
    },
    pong: (ws) => record(ws, { kind: 'pong' }),
    error: (ws, error) => record(ws, { kind: 'error', error }),
    close: (ws, code) => record(ws, { kind: 'close', code }),
  }
  const settings = { handlers, maxPayload: opts.maxPayload ?? 1024 * 1024, closeTimeoutMs: opts.closeTimeoutMs ?? 2_000 }
  const all = new Set<ServerWebSocket>()
  const server = http.createServer((_req, res) => res.end('okay'))
  server.on('upgrade', (req, socket, head) => {
    const ws = acceptUpgrade(req, socket, head, settings)
    if (!ws) return
    events.set(ws, [])
    all.add(ws)
    accepted.push(ws)
    notify()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port

  const until = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const attempt = () => {
        const found = check()
        if (found === undefined) return false
        listeners.delete(attempt)
        clearTimeout(timer)
        resolve(found)
        return true
      }
      const timer = setTimeout(() => {
        listeners.delete(attempt)
        reject(new Error(`timed out waiting for ${what}`))
      }, timeoutMs)
      if (!attempt()) listeners.add(attempt)
    })

  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    get acceptedCount() {
      return all.size
    },
    eventsOf: (ws) => events.get(ws) ?? [],
    nextConnection: () => until(() => accepted.shift(), 5_000, 'a connection'),
    waitFor: (ws, kind, timeoutMs = 5_000) =>
      until(() => events.get(ws)?.find((e) => e.kind === kind) as never, timeoutMs, `a ${kind} event`),
    stop: async () => {
      for (const ws of all) ws.terminate()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
