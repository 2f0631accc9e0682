// @y/websocket-server as a benchmark peer: `setupWSConnection` on a `ws` server, in memory (no
// YPERSISTENCE), as its own bin script runs it. Rooms are the URL path, as in y-websocket.
import { setupWSConnection } from '@y/websocket-server/utils'
import { serveWebSockets } from './serve-websockets'
import { WebSocketServer } from 'ws'

const port = Number(process.env.PORT)
const wss = new WebSocketServer({ noServer: true })
wss.on('connection', setupWSConnection)
serveWebSockets(wss, port)
