// @y/websocket-server as a benchmark peer: `setupWSConnection` on a `ws` server, in memory (no
// YPERSISTENCE), as its own bin script runs it. Rooms are the URL path, as in y-websocket.
import http from 'node:http'
import { setupWSConnection } from '@y/websocket-server/utils'
import { WebSocketServer } from 'ws'

const port = Number(process.env.PORT)
const wss = new WebSocketServer({ noServer: true })
wss.on('connection', setupWSConnection)
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
