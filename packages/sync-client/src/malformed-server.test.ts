// What the client does with frames from a server that does not follow the protocol: it drops the
// frame before y-websocket sees it (no throw, nothing applied or stored), closes that connection,
// reports 'server-malformed', and reconnects with backoff. A tiny fake relay made with `ws`.
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { encodeAck, encodeSyncStep2 } from '@crm-sync/protocol'
import { makeDevice, sleep, waitFor } from './test-support'

interface FakeRelay {
  readonly url: string
  connections: number
  readonly closeCodes: number[]
  stop(): Promise<void>
}

const startFakeRelay = async (onConnection: (ws: WebSocket) => void): Promise<FakeRelay> => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  const relay: FakeRelay = {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/sync`,
    connections: 0,
    closeCodes: [],
    stop: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate()
        wss.close(() => resolve())
      }),
  }
  wss.on('connection', (ws) => {
    relay.connections++
    ws.on('close', (code) => relay.closeCodes.push(code))
    onConnection(ws)
  })
  return relay
}

const errorFrame = (json: string): Uint8Array => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 101)
  encoding.writeVarString(e, json)
  return encoding.toUint8Array(e)
}

const awarenessFrame = (stateJson: string): Uint8Array => {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, 1)
  encoding.writeVarUint(inner, 12345)
  encoding.writeVarUint(inner, 1)
  encoding.writeVarString(inner, stateJson)
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner))
  return encoding.toUint8Array(e)
}

describe('a server that sends malformed frames', () => {
  let relay: FakeRelay | null = null
  afterEach(async () => {
    await relay?.stop()
    relay = null
  })

  it.each([
    ['a truncated sync frame', new Uint8Array([0, 1, 10, 1, 2])],
    ['a step 2 whose Yjs update does not decode', encodeSyncStep2(new Uint8Array([200, 200, 200, 1]))],
    ['an unknown message type', new Uint8Array([42, 0])],
    ['trailing bytes after a valid ack', new Uint8Array([...encodeAck(1, 1), 7])],
    ['an error frame that is not JSON', errorFrame('{not json')],
    ['an awareness state that is not an object', awarenessFrame('[1,2,3]')],
    ['a text frame', 'hello'],
  ])('%s: drops it, closes, reports, reconnects', async (_name, frame) => {
    relay = await startFakeRelay((ws) => ws.send(frame, { binary: typeof frame !== 'string' }))
    const device = makeDevice({ wsUrl: relay.url, token: async () => 'fake' })
    const handle = device.open({ connect: false })
    await handle.whenLoaded
    const before = JSON.stringify(handle.doc.toJSON())
    const errors: string[] = []
    handle.on('status', (s) => s.error && errors.push(s.error.code))
    handle.connect()
    await waitFor(() => relay!.connections >= 2, 5000, 'a reconnect')
    expect(errors[0]).toBe('server-malformed')
    expect(relay.closeCodes[0]).toBe(4400)
    expect(JSON.stringify(handle.doc.toJSON())).toBe(before)
    await handle.close()
    expect((await device.store.stats('north-territory')).rows).toBe(0)
  })

  it('does not trust an ack for frames it never sent', async () => {
    relay = await startFakeRelay((ws) => ws.send(encodeAck(99, 99)))
    const device = makeDevice({ wsUrl: relay.url, token: async () => 'fake' })
    const handle = device.open({ connect: false })
    await handle.whenLoaded
    handle.customers.create({ name: 'Not Acked Yet' })
    handle.connect()
    await waitFor(() => handle.status.state === 'syncing', 5000, 'socket open')
    await sleep(100)
    expect(handle.status.pendingLocal).toBe(1)
    expect(handle.status.error).toBeNull()
    await handle.close()
  })
})
