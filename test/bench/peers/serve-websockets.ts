// The HTTP host of the ws-based bench peers: answers plain HTTP (the harness polls it until the
// peer is up), hands upgrades to `wss`, prints the listening line, and exits on SIGTERM/SIGINT.
import http from 'node:http'
import type { WebSocketServer } from 'ws'

export const serveWebSockets = (wss: WebSocketServer, port: number): void => {
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
}
