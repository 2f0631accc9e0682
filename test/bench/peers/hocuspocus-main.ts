// Hocuspocus as a benchmark peer: in memory, no extensions, its defaults otherwise, listening on
// 127.0.0.1:$PORT. Started by lib/server-process.ts in its own pinned process.
import { Server } from '@hocuspocus/server'

const port = Number(process.env.PORT)
const server = new Server({ port, address: '127.0.0.1', quiet: true, stopOnSignals: true })
await server.listen()
console.log(JSON.stringify({ msg: 'listening', port: server.address.port }))
