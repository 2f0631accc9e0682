// A proxy in front of the test server that publishes a new version of the built app without
// rebuilding client/dist (which the other browser tests use): once `publish(v)` is called, sw.js
// names another revision of index.html in its precache list (so the browser sees a new service
// worker, which fetches the new page) and every HTML page carries <meta name="app-version">.
// Everything else, the relay's WebSocket included, passes through as it is.
import { createServer, request, type IncomingHttpHeaders } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface VersionProxy {
  readonly url: string
  /** From now on serve version `version` of the app. */
  publish(version: string): void
  close(): Promise<void>
}

const INDEX_REVISION = /("url":\s*"index\.html",\s*"revision":\s*")[^"]*"/

export async function startVersionProxy(upstream: string): Promise<VersionProxy> {
  const target = new URL(upstream)
  let version: string | null = null
  const upgraded = new Set<Socket>()

  const rewrite = (path: string, body: string): string => {
    if (version === null) return body
    if (path === '/sw.js') {
      if (!INDEX_REVISION.test(body)) throw new Error('sw.js has no precache entry for index.html to change')
      return `${body.replace(INDEX_REVISION, `$1${version}"`)}\n// app version ${version}\n`
    }
    return body.replace('<head>', `<head>\n    <meta name="app-version" content="${version}" />`)
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy').pathname
    // The browser must see the rewritten bytes, never a 304 for what it had before.
    const headers: IncomingHttpHeaders = { ...req.headers }
    delete headers['if-none-match']
    delete headers['if-modified-since']
    const forward = request({ hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      const type = String(answer.headers['content-type'] ?? '')
      if (path !== '/sw.js' && !type.startsWith('text/html')) {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
        return
      }
      const chunks: Buffer[] = []
      answer.on('data', (c: Buffer) => chunks.push(c))
      answer.on('end', () => {
        try {
          const body = Buffer.from(rewrite(path, Buffer.concat(chunks).toString('utf8')))
          const out: IncomingHttpHeaders = { ...answer.headers, 'content-length': String(body.length) }
          delete out['etag']
          delete out['last-modified']
          delete out['transfer-encoding']
          res.writeHead(answer.statusCode ?? 502, out)
          res.end(body)
        } catch (e) {
          res.writeHead(500).end(String(e))
        }
      })
    })
    forward.on('error', (e) => res.destroy(e))
    req.pipe(forward)
  })

  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    const relay = connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`]
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`)
      relay.write(`${lines.join('\r\n')}\r\n\r\n`)
      if (head.length) relay.write(head)
      relay.pipe(socket)
      socket.pipe(relay)
    })
    upgraded.add(socket).add(relay)
    const end = () => {
      socket.destroy()
      relay.destroy()
      upgraded.delete(socket)
      upgraded.delete(relay)
    }
    for (const s of [socket, relay]) s.on('error', end).on('close', end)
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    publish: (v) => {
      version = v
    },
    close: async () => {
      for (const s of upgraded) s.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
