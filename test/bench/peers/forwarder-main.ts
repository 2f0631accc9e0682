// The harness floor for the fan-out scenario: a "relay" that keeps no document and does no Yjs
// work at all. It answers a client's sync step 1 with an empty step 2 and forwards every update
// frame, framed once, to the other sockets on the same path. No real server can deliver faster
// than this in the same harness; its latency is what the load generator and the kernel cost.
import type { IncomingMessage } from 'node:http'
import { frameBinaryMessage } from '../../../server/src/relay/broadcast-frame'
import { serveWebSockets } from './serve-websockets'
import { WebSocketServer, type WebSocket } from 'ws'

const port = Number(process.env.PORT)
const rooms = new Map<string, Set<WebSocket>>()
const EMPTY_STEP2 = Buffer.from([0, 1, 2, 0, 0])

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
  const path = req.url ?? '/'
  const room = rooms.get(path) ?? new Set<WebSocket>()
  rooms.set(path, room)
  room.add(ws)
  ws.on('close', () => room.delete(ws))
  ws.on('message', (data: Buffer) => {
    if (data[0] !== 0) return
    if (data[1] === 0) return ws.send(EMPTY_STEP2)
    if (data[1] !== 2) return
    const wire = frameBinaryMessage(data)
    for (const peer of room) if (peer !== ws) (peer as unknown as { _socket: { write(b: Buffer): void } })._socket.write(wire)
  })
})
serveWebSockets(wss, port)
