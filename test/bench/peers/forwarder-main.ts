// The harness floor: a "relay" that keeps no document and does no Yjs work at all, on the same
// WebSocket layer as ours (server/src/websocket). It answers a client's sync step 1 with an empty
// step 2 and forwards every update frame, framed once, to the other sockets on the same path. No
// real server can deliver faster than this in the same harness, or hold less per idle connection
// on that layer; its latency is what the load generator and the kernel cost.
import http from 'node:http'
import { frameBinaryMessage } from '../../../server/src/relay/broadcast-frame'
import { acceptUpgrade } from '../../../server/src/websocket/accept-upgrade'
import type { ServerWebSocket, WebSocketHandlers } from '../../../server/src/websocket/server-websocket'

const port = Number(process.env.PORT)
const rooms = new Map<string, Set<ServerWebSocket>>()
const roomOf = new Map<ServerWebSocket, Set<ServerWebSocket>>()
const EMPTY_STEP2 = Buffer.from([0, 1, 2, 0, 0])

const handlers: WebSocketHandlers = {
  message(ws, data) {
    if (data[0] !== 0) return
    if (data[1] === 0) return ws.send(EMPTY_STEP2)
    if (data[1] !== 2) return
    const wire = frameBinaryMessage(data)
    for (const peer of roomOf.get(ws) ?? []) if (peer !== ws) peer.socket.write(wire)
  },
  pong() {},
  error() {},
  close(ws) {
    roomOf.get(ws)?.delete(ws)
    roomOf.delete(ws)
  },
}
const settings = { handlers, maxPayload: 64 * 1024 * 1024, closeTimeoutMs: 30_000 }

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.end('okay')
})
server.on('upgrade', (req: http.IncomingMessage, socket, head: Buffer) => {
  const ws = acceptUpgrade(req, socket, head, settings)
  if (!ws) return
  const path = req.url ?? '/'
  let room = rooms.get(path)
  if (!room) rooms.set(path, (room = new Set()))
  room.add(ws)
  roomOf.set(ws, room)
})
server.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port })))
const stop = () => {
  for (const ws of roomOf.keys()) ws.terminate()
  server.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 2000).unref()
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
