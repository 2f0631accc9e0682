// The server's half of the WebSocket opening handshake (RFC 6455 section 4.2): checks the client's
// upgrade request and either answers 101 and hands back the connection, or answers the HTTP error
// the RFC names and closes the socket. No extension is ever agreed (no compression). A client that
// offers subprotocols gets the first one back, as `ws` (the relay's earlier layer) did: browsers
// fail a handshake that offered some and got none, and the relay speaks the same protocol whatever
// the name.
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { ServerWebSocket, type WebSocketSettings } from './server-websocket'

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
/** The key is 16 random bytes in base64 (section 4.1). */
const KEY = /^[+/0-9A-Za-z]{22}==$/

export type UpgradeRefusal = { readonly status: 400 | 405 | 426; readonly reason: string }

/** Why `req` is not a WebSocket upgrade this server can take, or null if it is. */
export const refusalOf = (req: IncomingMessage): UpgradeRefusal | null => {
  if (req.method !== 'GET') return { status: 405, reason: 'a WebSocket upgrade must be a GET' }
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') return { status: 400, reason: 'Upgrade must be websocket' }
  if (req.headers['sec-websocket-version'] !== '13') return { status: 426, reason: 'only WebSocket version 13 is spoken' }
  if (!KEY.test(req.headers['sec-websocket-key'] ?? '')) return { status: 400, reason: 'missing or malformed Sec-WebSocket-Key' }
  return null
}

/** A subprotocol name is an HTTP token (RFC 6455 section 4.1, RFC 7230 section 3.2.6). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** The first subprotocol the client offered, if it is a well-formed token. */
const firstProtocolOf = (header: string | undefined): string | null => {
  const first = header?.split(',')[0]?.trim()
  return first && TOKEN.test(first) ? first : null
}

/** The Sec-WebSocket-Accept value for a client's key. */
export const acceptKeyFor = (key: string): string => createHash('sha1').update(key + ACCEPT_GUID).digest('base64')

/**
 * Completes the upgrade of `req` on `socket`: answers 101 and returns the connection, whose first
 * frames are read from `head` (bytes that came after the request) on a later tick, so the caller
 * can register it first; or refuses the upgrade and returns null.
 */
export const acceptUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, settings: WebSocketSettings): ServerWebSocket | null => {
  const refusal = refusalOf(req)
  if (refusal) {
    refuseUpgrade(socket, refusal)
    return null
  }
  if (!socket.readable || !socket.writable) {
    socket.destroy()
    return null
  }
  const protocol = firstProtocolOf(req.headers['sec-websocket-protocol'])
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptKeyFor(req.headers['sec-websocket-key']!)}\r\n` +
      (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : '') +
      '\r\n',
  )
  // Read back as the first 'data', after the caller has registered the connection.
  if (head.length > 0) socket.unshift(head)
  // An upgrade's socket is always a net.Socket (or a TLSSocket, one of them).
  return new ServerWebSocket(socket as Socket, settings)
}

/** Answers `refusal` as a plain HTTP response and closes the socket. */
export const refuseUpgrade = (socket: Duplex, refusal: UpgradeRefusal): void => {
  const text = STATUS_TEXT[refusal.status]
  const extra = refusal.status === 426 ? 'Sec-WebSocket-Version: 13\r\n' : ''
  socket.end(
    `HTTP/1.1 ${refusal.status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(refusal.reason)}\r\n${extra}\r\n${refusal.reason}`,
  )
}

const STATUS_TEXT: Record<UpgradeRefusal['status'], string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  426: 'Upgrade Required',
}
