// The HTTP server's guard against stalled uploads. Node's own `requestTimeout` (default 300 s)
// caps the whole request, which cuts off a 100 MB import on a slow mobile link; the server runs
// without it (server.ts) and instead drops a request whose body stops arriving for `idleMs`.
// The request is destroyed with a typed error, so the route reading the body can tell the
// server's timeout from the client hanging up, and the client is sent a 408 first, as Node does.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'

export class UploadIdleTimeoutError extends Error {
  override readonly name = 'UploadIdleTimeoutError'
  readonly code = 'upload-idle-timeout' as const
  constructor(readonly idleMs: number) {
    super(`no part of the request body arrived for ${idleMs} ms`)
  }
}

export const isUploadIdleTimeout = (e: unknown): e is UploadIdleTimeoutError => e instanceof UploadIdleTimeoutError

/** Node's answer to a request it timed out, with our error body; written only before any response. */
const response = (idleMs: number) => {
  const body = JSON.stringify({ error: { code: 'upload-timed-out', message: `the upload sent nothing for ${idleMs / 1000} s; the server stopped waiting` } })
  return `HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
}

/**
 * From now on, each request whose body goes quiet for `idleMs` before its end is destroyed with
 * an UploadIdleTimeoutError. Once the body is complete the socket's timer is turned off: the
 * answer may take long (an import of a large file) and keep-alive has its own timeout.
 */
export function dropIdleUploads(server: Server, idleMs: number): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    req.socket.setTimeout(idleMs)
    // Claimed on the response, so Node does not destroy the socket itself: we decide.
    res.on('timeout', () => {
      if (req.complete || req.destroyed) return void req.socket.setTimeout(0)
      if (!res.headersSent && req.socket.writable) req.socket.write(response(idleMs))
      req.destroy(new UploadIdleTimeoutError(idleMs))
    })
  })
}
