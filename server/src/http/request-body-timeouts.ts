// The HTTP server's guard against request bodies that never end. Node's own `requestTimeout`
// caps every request at one total time, which cuts off a 100 MB import on a slow mobile link,
// so the server runs without it (server.ts) and this guard gives each request two limits:
//   - a total deadline for its body: `deadlineMs` (Node's old 300 s), or for an upload at least
//     long enough to arrive at `minBytesPerSec` (so a trickle cannot hold a socket, a room and a
//     spool file for ever);
//   - an idle limit: `idleMs` in which the client sent nothing while the route was reading and
//     had nothing buffered (a route still checking roles, or applying backpressure, is not the
//     client going quiet).
// Node's http has no per-request hook for either (its timeouts are per server or per socket,
// and a socket's timeout event goes to the first of pipelined responses), hence this file.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'

export const BODY_TIMEOUT_REASONS = ['idle', 'deadline'] as const
export type BodyTimeoutReason = (typeof BODY_TIMEOUT_REASONS)[number]

export class RequestBodyTimeoutError extends Error {
  override readonly name = 'RequestBodyTimeoutError'
  readonly code = 'request-body-timeout' as const
  constructor(readonly reason: BodyTimeoutReason, readonly limitMs: number) {
    super(reason === 'idle' ? `no part of the request body arrived for ${limitMs} ms` : `the request body did not arrive within ${limitMs} ms`)
  }
}

/** The timeout in `e` or its chain of causes (a body reader may wrap the stream's error). */
export const bodyTimeoutIn = (e: unknown): RequestBodyTimeoutError | undefined => {
  for (let x = e, depth = 0; x instanceof Error && depth < 5; x = x.cause, depth++) if (x instanceof RequestBodyTimeoutError) return x
  return undefined
}

export interface BodyTimeoutOptions {
  readonly idleMs: number
  /** The total time a body has to arrive (at least, for uploads). */
  readonly deadlineMs: number
  /** Requests held to a minimum average rate instead of `deadlineMs` alone (import uploads). */
  readonly isUpload: (req: IncomingMessage) => boolean
  readonly minBytesPerSec: number
  /** Bytes expected from an upload that does not say (chunked): the import limit. */
  readonly maxUploadBytes: number
  /** How long the 408 is given to reach the client before the socket is destroyed. */
  readonly lingerMs?: number
}

/** The total time a request has for its body. */
export function deadlineFor(req: IncomingMessage, o: BodyTimeoutOptions): number {
  if (!o.isUpload(req)) return o.deadlineMs
  const declared = Number(req.headers['content-length'] ?? NaN)
  const expected = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, o.maxUploadBytes) : o.maxUploadBytes
  return Math.max(o.deadlineMs, Math.ceil((expected / o.minBytesPerSec) * 1000))
}

const response = (e: RequestBodyTimeoutError) => {
  const message = e.reason === 'idle' ? `the upload sent nothing for ${e.limitMs / 1000} s; the server stopped waiting` : `the upload did not arrive within ${e.limitMs / 1000} s; the server stopped waiting`
  const body = JSON.stringify({ error: { code: 'upload-timed-out', message } })
  return `HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
}

/** From now on every request of `server` whose body is not complete is watched. */
export function guardRequestBodies(server: Server, o: BodyTimeoutOptions): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => watch(req, res, o))
}

function watch(req: IncomingMessage, res: ServerResponse, o: BodyTimeoutOptions): void {
  if (req.complete) return
  const started = Date.now()
  const deadline = started + deadlineFor(req, o)
  // Looked at often enough to see idleness within a quarter of idleMs; cheap at 60 s.
  const tick = Math.max(10, Math.floor(o.idleMs / 4))
  let bytes = req.socket.bytesRead
  let quietSince = started
  let timer: NodeJS.Timeout | undefined
  const done = () => req.complete || req.destroyed
  const reading = () => req.readableFlowing === true && req.readableLength === 0
  // Idleness counts from the moment the route (again) reads.
  const onResume = () => void (quietSince = Date.now())
  req.on('resume', onResume)
  const stop = () => {
    clearTimeout(timer)
    req.off('resume', onResume)
  }
  req.once('close', stop)

  const look = (): BodyTimeoutReason | null => {
    const now = Date.now()
    if (req.socket.bytesRead !== bytes || !reading()) {
      bytes = req.socket.bytesRead
      quietSince = now
    }
    if (now >= deadline) return 'deadline'
    return now - quietSince >= o.idleMs ? 'idle' : null
  }
  const arm = () => {
    const now = Date.now()
    timer = setTimeout(check, Math.max(1, Math.min(tick, deadline - now)))
  }
  const check = () => {
    if (done()) return stop()
    if (look() === null) return arm()
    // A blocked event loop fires timers before it reads what arrived meanwhile: decide after
    // one turn, once pending reads have been processed.
    setImmediate(() => {
      if (done()) return stop()
      const reason = look()
      if (reason === null) return arm()
      stop()
      timeOut(req, res, new RequestBodyTimeoutError(reason, reason === 'idle' ? o.idleMs : deadline - started), o.lingerMs ?? 1000)
    })
  }
  arm()
}

/**
 * The 408 is written and the socket ended gracefully; the request is failed (and the socket
 * destroyed) once the client has closed its side or after `lingerMs`. Destroying at once would
 * send a reset while unread upload bytes sit in the buffer, and the client would lose the 408.
 */
function timeOut(req: IncomingMessage, res: ServerResponse, e: RequestBodyTimeoutError, lingerMs: number): void {
  const socket = req.socket
  if (res.headersSent || !socket.writable) return void req.destroy(e)
  let fired = false
  const fail = () => {
    if (fired) return
    fired = true
    clearTimeout(linger)
    req.destroy(e)
  }
  const linger = setTimeout(fail, lingerMs)
  // Before Node's own listeners, which would fail the request as a client hang-up.
  socket.prependListener('end', fail)
  socket.prependListener('close', fail)
  socket.end(response(e))
}
