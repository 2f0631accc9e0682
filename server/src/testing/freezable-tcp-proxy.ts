// Test helper: a TCP proxy on loopback in front of a real server (PostgreSQL here) that can freeze,
// as a network path gone silent looks to both ends: connections stay open and what the client
// sends is accepted, but nothing reaches the server and no answer comes back until thaw(), which
// delivers what was held. Connections opened while frozen are held the same way, and so is a close
// from the server.
//
// A client that gives up and closes its connection while frozen: by default the server side is
// closed too and what was held is dropped (the network passes the close, not the data). With
// `passCloseWhileFrozen: false` the server never hears of it (the network lost the close too) and
// its connection stays open, idle, until thaw() or close(). Neither is a stopped server process,
// whose kernel would keep the bytes and run them once it resumes.
import net from 'node:net'

export interface FreezableTcpProxyOptions {
  /** Whether a client's close while frozen reaches the server (default true). */
  readonly passCloseWhileFrozen?: boolean
}

export interface FreezableTcpProxy {
  readonly port: number
  /** Stops forwarding both ways, on open connections and on new ones. */
  freeze(): void
  /** Forwards what was held, and everything after. */
  thaw(): void
  /** Connections the clients still hold open (a client that gave up on one closes it). */
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
  /** The client closed while frozen and the server was not told: its side waits for thaw(). */
  clientGone: boolean
  /** The server closed while frozen: the client hears of it (after what was held) on thaw(). */
  serverGone: boolean
}

export async function startFreezableTcpProxy(
  target: { host: string; port: number },
  opts: FreezableTcpProxyOptions = {},
): Promise<FreezableTcpProxy> {
  const passCloseWhileFrozen = opts.passCloseWhileFrozen ?? true
  const pairs = new Set<Pair>()
  let frozen = false
  const closedListeners = new Set<() => void>()
  /** Connections the clients still hold open. */
  const openFromClients = () => [...pairs].filter((pair) => !pair.clientGone).length

  const forward = (pair: Pair) => {
    for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk)
    for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk)
  }

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host)
    const pair: Pair = { client, upstream, toUpstream: [], toClient: [], clientGone: false, serverGone: false }
    pairs.add(pair)
    client.on('data', (chunk) => (frozen ? pair.toUpstream.push(chunk) : upstream.write(chunk)))
    upstream.on('data', (chunk) => (frozen || pair.clientGone ? pair.toClient.push(chunk) : client.write(chunk)))
    const end = () => {
      client.destroy()
      upstream.destroy()
      if (pairs.delete(pair)) for (const listener of closedListeners) listener()
    }
    const clientEnded = () => {
      if (!frozen || passCloseWhileFrozen) return end()
      // Lost on the way: the server's side stays open; counted as closed from the client's view.
      client.destroy()
      if (!pair.clientGone) {
        pair.clientGone = true
        for (const listener of closedListeners) listener()
      }
    }
    // A silent network passes nothing the server sends either, its close included.
    const serverEnded = () => (frozen && !pair.clientGone ? void (pair.serverGone = true) : end())
    client.on('close', clientEnded)
    client.on('error', clientEnded)
    upstream.on('close', serverEnded)
    upstream.on('error', serverEnded)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))

  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => void (frozen = true),
    thaw() {
      frozen = false
      for (const pair of pairs) {
        // The network is back: the server hears of a close it missed, and nothing more.
        if (pair.clientGone) pair.upstream.destroy()
        else if (pair.serverGone) {
          for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk)
          pair.client.end()
          pairs.delete(pair)
          for (const listener of closedListeners) listener()
        } else forward(pair)
      }
    },
    get openConnections() {
      return openFromClients()
    },
    whenFewerOpenThan: (n, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (openFromClients() >= n) return
          clearTimeout(timer)
          closedListeners.delete(check)
          resolve()
        }
        const timer = setTimeout(() => {
          closedListeners.delete(check)
          reject(new Error(`${openFromClients()} connections still open after ${timeoutMs} ms (wanted fewer than ${n})`))
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
