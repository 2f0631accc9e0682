// Test clients of the relay: the real y-websocket WebsocketProvider, and a raw socket for
// sending frames by hand (malformed ones included).
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import * as Y from 'yjs'

export const waitFor = async (predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export interface ProviderClient {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  destroy(): void
}

export const connectProvider = (wsUrl: string, bookId: string, token: string, params: Record<string, string> = {}): ProviderClient => {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(wsUrl, bookId, doc, {
    params: { token, ...params },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  })
  return {
    doc,
    provider,
    destroy: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

export const whenSynced = (c: ProviderClient, timeoutMs = 5000) => waitFor(() => c.provider.synced, timeoutMs, 'provider sync')

export interface RawClient {
  readonly ws: WebSocket
  readonly frames: Uint8Array[]
  readonly closed: Promise<{ code: number; reason: string }>
  send(frame: Uint8Array): void
  close(): void
}

export const connectRaw = async (url: string, headers: Record<string, string> = {}): Promise<RawClient> => {
  const ws = new WebSocket(url, { headers })
  const frames: Uint8Array[] = []
  ws.on('message', (d: Buffer) => frames.push(new Uint8Array(d)))
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  ws.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return { ws, frames, closed, send: (f) => ws.send(f), close: () => ws.close() }
}
