// The relay's WebSocket connection against the real `ws` client (what Node clients and the bench
// use) and a raw client for what no real client sends: messages whole however they were
// fragmented, both closing handshakes, ping and pong, and framing errors closed with their code.
import { once } from 'node:events'
import { afterEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { clientFrame, RawWebSocketClient, upgradeRequest } from '../testing/raw-websocket-client'
import { startWebSocketHarness, type WebSocketHarness } from '../testing/websocket-harness'
import { OPCODE } from './opcode'
import { READY_STATE } from './server-websocket'

const bytes = (n: number, seed = 1) => {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (i * 13 + seed) & 0xff
  return out
}
/** Byte equality without a deep comparison per element (megabytes here). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)

describe('ServerWebSocket', () => {
  let harness: WebSocketHarness | null = null
  afterEach(async () => {
    await harness?.stop()
    harness = null
  })

  const connectWs = async (h: WebSocketHarness) => {
    const client = new WebSocket(h.url)
    client.binaryType = 'nodebuffer'
    const [ws] = await Promise.all([h.nextConnection(), once(client, 'open')])
    return { client, ws }
  }

  it('hands on messages from a ws client whole: binary, text, fragmented and large, in order', async () => {
    harness = await startWebSocketHarness({ maxPayload: 4 * 1024 * 1024 })
    const { client, ws } = await connectWs(harness)
    const large = bytes(3 * 1024 * 1024)
    client.send(bytes(10))
    client.send('héllo')
    client.send(bytes(5, 2), { fin: false })
    client.send(bytes(70_000, 3), { fin: true })
    client.send(large)
    await waitForCount(() => messages(harness!, ws).length, 4)
    const got = messages(harness, ws)
    expect(got.map((m) => m.isBinary)).toEqual([true, false, true, true])
    expect(same(got[0]!.data, bytes(10))).toBe(true)
    expect(got[1]!.data.toString()).toBe('héllo')
    expect(same(got[2]!.data, Buffer.concat([bytes(5, 2), bytes(70_000, 3)]))).toBe(true)
    expect(same(got[3]!.data, large)).toBe(true)
    client.close()
  })

  it('sends binary messages of every length class that a ws client reads back', async () => {
    harness = await startWebSocketHarness()
    const { client, ws } = await connectWs(harness)
    const sizes = [0, 125, 126, 65_535, 65_536, 1_000_000]
    const received: Uint8Array[] = []
    const all = new Promise<void>((resolve) =>
      client.on('message', (d: Buffer) => {
        received.push(new Uint8Array(d))
        if (received.length === sizes.length) resolve()
      }),
    )
    for (const [i, n] of sizes.entries()) ws.send(bytes(n, i))
    await all
    expect(received.map((r) => r.length)).toEqual(sizes)
    expect(received.every((r, i) => same(r, bytes(sizes[i]!, i)))).toBe(true)
    client.close()
  })

  it("pings the client and reports its pong; answers the client's ping with a pong", async () => {
    harness = await startWebSocketHarness()
    const { client, ws } = await connectWs(harness)
    ws.ping()
    await harness.waitFor(ws, 'pong')
    client.ping(Buffer.from('are you there'))
    const [data] = (await once(client, 'pong')) as [Buffer]
    expect(data.toString()).toBe('are you there')
    client.close()
  })

  it('closes with a code and reason the client sees; the close handler gets the echoed code', async () => {
    harness = await startWebSocketHarness()
    const { client, ws } = await connectWs(harness)
    const closed = once(client, 'close')
    ws.close(4400, 'bad book id')
    expect(ws.readyState).toBe(READY_STATE.closing)
    ws.send(bytes(3)) // nothing goes out once closing
    const [code, reason] = (await closed) as [number, Buffer]
    expect(code).toBe(4400)
    expect(reason.toString()).toBe('bad book id')
    expect((await harness.waitFor(ws, 'close')).code).toBe(4400)
    expect(ws.readyState).toBe(READY_STATE.closed)
  })

  it('cuts a close reason to 123 bytes at a character boundary', async () => {
    harness = await startWebSocketHarness()
    const { client, ws } = await connectWs(harness)
    const closed = once(client, 'close')
    ws.close(4400, 'é'.repeat(100))
    const [, reason] = (await closed) as [number, Buffer]
    expect(reason.toString()).toBe('é'.repeat(61))
  })

  it("answers a client's close and reports its code", async () => {
    harness = await startWebSocketHarness()
    const { client, ws } = await connectWs(harness)
    const closed = once(client, 'close')
    client.close(1000, 'bye')
    expect(((await closed) as [number])[0]).toBe(1000)
    expect((await harness.waitFor(ws, 'close')).code).toBe(1000)
  })

  it('reports 1006 when the client goes without a close frame, and after terminate()', async () => {
    harness = await startWebSocketHarness()
    const first = await connectWs(harness)
    first.client.terminate()
    expect((await harness.waitFor(first.ws, 'close')).code).toBe(1006)
    const second = await connectWs(harness)
    second.ws.terminate()
    expect((await harness.waitFor(second.ws, 'close')).code).toBe(1006)
    await once(second.client, 'close')
  })

  it('closes an oversized message with 1009 before reading it, and reports the error', async () => {
    harness = await startWebSocketHarness({ maxPayload: 1000 })
    const { client, ws } = await connectWs(harness)
    client.on('error', () => {})
    const closed = once(client, 'close')
    client.send(bytes(1001))
    expect((await harness.waitFor(ws, 'error')).error.message).toContain('above the limit')
    expect(((await closed) as [number])[0]).toBe(1009)
    await harness.waitFor(ws, 'close')
    expect(messages(harness, ws)).toEqual([])
  })

  it('closes a framing error with 1002, and cuts a client that never answers the close', async () => {
    harness = await startWebSocketHarness({ closeTimeoutMs: 200 })
    const { client } = await RawWebSocketClient.connect(harness.port)
    const ws = await harness.nextConnection()
    client.write(clientFrame(OPCODE.binary, 'fine'))
    client.write(clientFrame(OPCODE.binary, 'unmasked', { masked: false }))
    client.write(clientFrame(OPCODE.binary, 'never read'))
    const close = await client.nextFrame()
    expect(close.opcode).toBe(OPCODE.close)
    expect(close.payload.readUInt16BE(0)).toBe(1002)
    expect(close.payload.subarray(2).toString()).toBe('client frames must be masked')
    await client.closed()
    expect((await harness.waitFor(ws, 'close')).code).toBe(1006)
    expect(harness.eventsOf(ws).map((e) => e.kind)).toEqual(['message', 'error', 'close'])
  })

  it('writes nothing more once the client ended its side without a close frame', async () => {
    harness = await startWebSocketHarness()
    const { client } = await RawWebSocketClient.connect(harness.port, undefined, { allowHalfOpen: true })
    const ws = await harness.nextConnection()
    const errors: Error[] = []
    ws.socket.on('error', (e) => errors.push(e))
    client.socket.end()
    await new Promise<void>((resolve) => ws.socket.once('end', () => setImmediate(resolve)))
    expect(ws.readyState).not.toBe(READY_STATE.open)
    ws.send(bytes(3))
    ws.close(1001, 'going away')
    expect((await harness.waitFor(ws, 'close')).code).toBe(1006)
    expect(errors).toEqual([])
  })

  it('cuts a client that ended its side and does not read what it was sent', async () => {
    harness = await startWebSocketHarness({ closeTimeoutMs: 200 })
    const { client } = await RawWebSocketClient.connect(harness.port, undefined, { allowHalfOpen: true })
    const ws = await harness.nextConnection()
    client.socket.pause()
    ws.send(bytes(16 * 1024 * 1024))
    expect(ws.socket.writableNeedDrain).toBe(true)
    client.socket.end()
    // Our end waits behind the 16 MiB the client will never read: only the close timer frees it.
    expect((await harness.waitFor(ws, 'close', 2_000)).code).toBe(1006)
    client.destroy()
  })

  it('closes with 1011 and reports the error when a handler throws on a message, and the process carries on', async () => {
    harness = await startWebSocketHarness({
      onMessage: (data) => {
        if (data.toString() === 'boom') throw new Error('handler failed')
      },
    })
    const { client, ws } = await connectWs(harness)
    const closed = once(client, 'close')
    client.send('fine')
    client.send('boom')
    client.send('never handled')
    expect((await harness.waitFor(ws, 'error')).error.message).toBe('handler failed')
    expect(((await closed) as [number])[0]).toBe(1011)
    expect(messages(harness, ws).map((m) => m.data.toString())).toEqual(['fine'])
  })

  it('sends no pongs to a client that does not read what it is sent', async () => {
    harness = await startWebSocketHarness()
    const { client } = await RawWebSocketClient.connect(harness.port)
    const ws = await harness.nextConnection()
    client.socket.pause()
    ws.send(bytes(16 * 1024 * 1024))
    expect(ws.socket.writableNeedDrain).toBe(true)
    const write = vi.spyOn(ws.socket, 'write')
    client.write(Buffer.concat(Array.from({ length: 100 }, () => clientFrame(OPCODE.ping, 'x'.repeat(125)))))
    client.write(clientFrame(OPCODE.binary, 'after the pings'))
    await harness.waitFor(ws, 'message')
    expect(write).not.toHaveBeenCalled()
    client.destroy()
  })

  it('cuts a client that keeps its half of the socket open after the closing handshake', async () => {
    harness = await startWebSocketHarness({ closeTimeoutMs: 200 })
    const { client } = await RawWebSocketClient.connect(harness.port, undefined, { allowHalfOpen: true })
    const ws = await harness.nextConnection()
    client.write(clientFrame(OPCODE.close, Buffer.from([0x03, 0xe8]))) // 1000
    expect((await client.nextFrame()).opcode).toBe(OPCODE.close)
    await client.serverEnd()
    expect((await harness.waitFor(ws, 'close', 2_000)).code).toBe(1000)
    client.destroy()
  })

  it('reads frames sent in the same packet as the upgrade request, and frames sent a byte at a time', async () => {
    harness = await startWebSocketHarness()
    const request = Buffer.concat([Buffer.from(upgradeRequest()), clientFrame(OPCODE.binary, 'early')])
    const { client } = await RawWebSocketClient.connect(harness.port, request)
    const ws = await harness.nextConnection()
    await client.trickle(clientFrame(OPCODE.binary, 'slow'))
    await waitForCount(() => messages(harness!, ws).length, 2)
    expect(messages(harness, ws).map((m) => m.data.toString())).toEqual(['early', 'slow'])
    client.write(clientFrame(OPCODE.close, Buffer.from([0x0f, 0xa0]))) // 4000
    const echoed = await client.nextFrame()
    expect(echoed.opcode).toBe(OPCODE.close)
    expect(echoed.payload.readUInt16BE(0)).toBe(4000)
    await client.closed()
    expect((await harness.waitFor(ws, 'close')).code).toBe(4000)
  })
})

const messages = (h: WebSocketHarness, ws: Parameters<WebSocketHarness['eventsOf']>[0]) =>
  h.eventsOf(ws).flatMap((e) => (e.kind === 'message' ? [e] : []))

const waitForCount = async (count: () => number, n: number) => {
  const until = Date.now() + 5_000
  while (count() < n) {
    if (Date.now() > until) throw new Error(`only ${count()} of ${n}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}
