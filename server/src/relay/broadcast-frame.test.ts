// Frames built once by the relay arrive at a real ws client intact and in order with send()'s.
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startWebSocketHarness, type WebSocketHarness } from '../testing/websocket-harness'
import { BroadcastFrame, frameBinaryMessage } from './broadcast-frame'

const SIZES = [0, 1, 125, 126, 65_535, 65_536, 200_000]
const payloadOf = (size: number, seed: number) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff)

describe('BroadcastFrame', () => {
  let harness: WebSocketHarness | null = null
  afterEach(async () => {
    await harness?.stop()
    harness = null
  })

  it('writes frames of every length class that a ws client reads back byte for byte, in order with send()', async () => {
    harness = await startWebSocketHarness()
    const client = new WebSocket(harness.url)
    client.binaryType = 'nodebuffer'
    const received: Uint8Array[] = []
    const expected: Uint8Array[] = []
    const [peer] = await Promise.all([harness.nextConnection(), once(client, 'open')])
    const done = new Promise<void>((resolve) =>
      client.on('message', (d: Buffer, isBinary) => {
        expect(isBinary).toBe(true)
        received.push(new Uint8Array(d))
        if (received.length === SIZES.length * 2) resolve()
      }),
    )
    SIZES.forEach((size, i) => {
      const direct = new BroadcastFrame(payloadOf(size, i))
      peer.socket.write(direct.wire)
      expect(direct.wire).toBe(direct.wire) // built once
      const viaSend = payloadOf(size, i + 100)
      peer.send(viaSend)
      expected.push(direct.payload, viaSend)
    })
    await done
    expect(received).toEqual(expected)
    client.close()
  })

  it('uses the shortest length encoding RFC 6455 allows', () => {
    expect([...frameBinaryMessage(new Uint8Array(125)).subarray(0, 2)]).toEqual([0x82, 125])
    expect([...frameBinaryMessage(new Uint8Array(126)).subarray(0, 4)]).toEqual([0x82, 126, 0, 126])
    expect([...frameBinaryMessage(new Uint8Array(65_536)).subarray(0, 10)]).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0])
  })
})
