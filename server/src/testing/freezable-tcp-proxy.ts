// Test helper: a TCP proxy on loopback in front of a real server (PostgreSQL here) that can freeze,
// as a stopped server or a network path gone silent looks to a client: connections stay open and
// what the client sends is accepted, but nothing reaches the server and no answer comes back until
// thaw(), which delivers what was held. Connections opened while frozen are held the same way.
import net from 'node:net'

export interface FreezableTcpProxy {
  readonly port: number
  /** Stops forwarding both ways, on open connections and on new ones. */
  freeze(): void
  /** Forwards what was held, and everything after. */
  thaw(): void
  /** Client connections still open (a client that gave up on one closes it). */
  readonly openConnections: number
  /** Resolves once fewer than `n` client connections are open; rejects after `timeoutMs`. */
  whenFewerOpenThan(n: number, timeoutMs: number): Promise<void>
  close(): Promise<void>
}

interface Pair {
  readonly client: net.Socket
  readonly upstream: net.Socket
  /** Bytes held while frozen, per direction. */
  readonly toUpstream: Buffer[]
  readonly toClient: Buffer[]
}

export async function startFreezableTcpProxy(target: { host: string; port: number }): Promise<FreezableTcpProxy> {
  const pairs = new Set<Pair>()
  let frozen = false
  const closedListeners = new Set<() => void>()

  const forward = (pair: Pair) => {
    for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk)
    for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk)
  }

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host)
    const pair: Pair = { client, upstream, toUpstream: [], toClient: [] }
    pairs.add(pair)
    client.on('data', (chunk) => (frozen ? pair.toUpstream.push(chunk) : upstream.write(chunk)))
    upstream.on('data', (chunk) => (frozen ? pair.toClient.push(chunk) : client.write(chunk)))
    const end = () => {
      client.destroy()
      upstream.destroy()
      if (pairs.delete(pair)) for (const listener of closedListeners) listener()
    }
    client.on('close', end)
    upstream.on('close', end)
    client.on('error', end)
    upstream.on('error', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))

  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => void (frozen = true),
    thaw() {
      frozen = false
      for (const pair of pairs) forward(pair)
    },
    get openConnections() {
      return pairs.size
    },
    whenFewerOpenThan: (n, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pairs.size >= n) return
          clearTimeout(timer)
          closedListeners.delete(check)
          resolve()
        }
        const timer = setTimeout(() => {
          closedListeners.delete(check)
          reject(new Error(`${pairs.size} connections still open after ${timeoutMs} ms (wanted fewer than ${n})`))
        }, timeoutMs)
        closedListeners.add(check)
        check()
      }),
    async close() {
      for (const pair of pairs) {
        pair.client.destroy()
        pair.upstream.destroy()
      }
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
