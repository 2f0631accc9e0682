// A connection that behaves like a fresh y-websocket client with an empty document but keeps no
// document: it completes the sync handshake and then only counts the updates it is sent. Used
// where thousands of clients must run in one load-generator process (fan-out readers, idle).
import WebSocket from 'ws'
import { isUpdateFrame, MSG, STEP, syncFrame, wireFor, type Target } from './wire'

const EMPTY_STATE_VECTOR = new Uint8Array([0])
const EMPTY_UPDATE = new Uint8Array([0, 0])

export interface LightClient {
  readonly ws: WebSocket
  close(): void
}

/** Connects and resolves once the server's sync step 2 arrived; `onUpdate` sees each later update. */
export const connectLight = (target: Target, book: string, onUpdate?: () => void, timeoutMs = 60_000): Promise<LightClient> =>
  new Promise((resolve, reject) => {
    const wire = wireFor(target, book)
    const p = wire.prefix.length
    const ws = new WebSocket(wire.url, { perMessageDeflate: false })
    const timer = setTimeout(() => {
      ws.terminate()
      reject(new Error(`no sync step 2 from ${target.kind} within ${timeoutMs} ms`))
    }, timeoutMs)
    const client: LightClient = { ws, close: () => ws.terminate() }
    ws.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    ws.on('open', () => {
      for (const frame of wire.hello) ws.send(frame)
      ws.send(syncFrame(wire, STEP.step1, EMPTY_STATE_VECTOR))
    })
    ws.on('message', (data: Buffer) => {
      if (isUpdateFrame(data, p)) return onUpdate?.()
      const type = data[p]
      if (type !== MSG.sync && type !== MSG.hocuspocusSyncReply) return
      const step = data[p + 1]
      if (step === STEP.step1) ws.send(syncFrame(wire, STEP.step2, EMPTY_UPDATE))
      else if (step === STEP.step2) {
        clearTimeout(timer)
        resolve(client)
      }
    })
  })

/** Connects `count` light clients, `concurrency` at a time, in the given books (round robin). */
export const connectMany = async (
  target: Target,
  books: readonly string[],
  count: number,
  opts: { concurrency?: number; onUpdate?: (client: number) => void } = {},
): Promise<LightClient[]> => {
  const clients: LightClient[] = new Array(count)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const onUpdate = opts.onUpdate
      clients[i] = await connectLight(target, books[i % books.length]!, onUpdate ? () => onUpdate(i) : undefined)
    }
  }
  await Promise.all(Array.from({ length: Math.min(count, opts.concurrency ?? 100) }, worker))
  return clients
}
