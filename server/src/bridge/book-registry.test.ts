// The bridge as a Yjs client of the relay (npm run bridge) against the BridgeBooks contract.
import { BookRegistry } from './book-registry'
import { runBridgeBooksContract } from './bridge-books.contract'

runBridgeBooksContract('BookRegistry (a Yjs client over WebSocket)', (server, o) =>
  new BookRegistry({ ...o, serverUrl: server.wsUrl, getToken: () => server.token('crm-bridge', 'CRM bridge') }))
