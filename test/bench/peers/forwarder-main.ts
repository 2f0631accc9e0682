// The harness floor for the fan-out scenario: a "relay" that keeps no document and does no Yjs
// work at all. It answers a client's sync step 1 with an empty step 2 and forwards every update
// frame, framed once, to the other sockets on the same path. No real server can deliver faster
// than this in the same harness; its latency is what the load generator and the kernel cost.
import http from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'

const port = Number(process.env.PORT)
const rooms = new Map<string, Set<WebSocket>>()
const EMPTY_STEP2 = Buffer.from([0, 1, 2, 0, 0])

/** An unmasked final binary frame (server frames are the same bytes for every reader). */
const frame = (payload: Buffer): Buffer => {
  const n = payload.length
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10
  const out = Buffer.allocUnsafe(head + n)
  out[0] = 0x82
  if (n < 126) out[1] = n
  else if (n < 65_536) (out[1] = 126), out.writeUInt16BE(n, 2)
  else (out[1] = 127), out.writeBigUInt64BE(BigInt(n), 2)
  payload.copy(out, head)
  return out
}

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
wss.on('connection', (ws: WebSocket, req: http.IncomingMessage) => {
  const path = req.url ?? '/'
  const room = rooms.get(path) ?? new Set<WebSocket>()
  rooms.set(path, room)
  room.add(ws)
  ws.on('close', () => room.delete(ws))
  ws.on('message', (data: Buffer) => {
    if (data[0] !== 0) return
    if (data[1] === 0) return ws.send(EMPTY_STEP2)
    if (data[1] !== 2) return
    const wire = frame(data)
    for (const peer of room) if (peer !== ws) (peer as unknown as { _socket: { write(b: Buffer): void } })._socket.write(wire)
  })
})
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.end('okay')
})
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)))
server.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port })))
const stop = () => {
  for (const ws of wss.clients) ws.terminate()
  server.close(() => process.exit(0))
  setTimeout(() => process.exit(0), 2000).unref()
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
