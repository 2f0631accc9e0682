// stop() with a client that never answers the close: after everything is durable and every socket
// was sent 1001, such a client gets SHUTDOWN_CLOSE_GRACE_MS, then its socket is cut; stop() does
// not wait for ws' own 30 s (past the process' forced exit at 15 s).
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { CLOSE_CODE } from '@crm-sync/protocol'
import { startTestServer } from '../testing/test-server'
import { connectRaw, waitFor } from '../testing/ws-clients'

/** A client that completes the WebSocket handshake, then reads and never writes again. */
const silentClient = async (port: number, path: string): Promise<{ socket: Socket; received: () => Buffer; ended: Promise<number> }> => {
  const socket = connect(port, '127.0.0.1')
  let data = Buffer.alloc(0)
  socket.on('data', (chunk: Buffer) => (data = Buffer.concat([data, chunk])))
  const ended = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())))
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  )
  await waitFor(() => data.includes('\r\n\r\n'), 5000, 'the 101 response')
  expect(data.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /)
  return { socket, received: () => data, ended }
}

/** The close code of the first close frame (server frames are unmasked) in what the client got. */
const closeCodeIn = (bytes: Buffer): number | null => {
  const head = bytes.indexOf('\r\n\r\n') + 4
  for (let i = head; i + 1 < bytes.length; ) {
    const opcode = bytes[i]! & 0x0f
    let len = bytes[i + 1]! & 0x7f
    let at = i + 2
    if (len === 126) {
      len = bytes.readUInt16BE(at)
      at += 2
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(at))
      at += 8
    }
    if (opcode === 0x8) return bytes.readUInt16BE(at)
    i = at + len
  }
  return null
}

describe('stop() with a client that never answers the close', () => {
  it('sends it 1001, cuts it after the grace, and stops; a client that answers closes normally', async () => {
    const server = await startTestServer({ SHUTDOWN_CLOSE_GRACE_MS: '400' })
    const token = await server.token('alice')
    const path = `/sync/north-territory?token=${token}`
    const silent = await silentClient(server.port, path)
    const polite = await connectRaw(`ws://127.0.0.1:${server.port}${path}`)
    const greeted = () => silent.received().length > silent.received().indexOf('\r\n\r\n') + 4
    await waitFor(() => greeted() && polite.frames.length > 0, 5000, 'both greeted')

    const started = Date.now()
    await server.dispose()
    const took = Date.now() - started
    expect((await polite.closed).code).toBe(CLOSE_CODE.goingAway)
    expect(closeCodeIn(silent.received())).toBe(CLOSE_CODE.goingAway)
    const endedAt = await silent.ended
    expect(endedAt - started).toBeGreaterThanOrEqual(350) // it was given the grace
    expect(took).toBeLessThan(5000) // not ws' 30 s
    silent.socket.destroy()
  }, 20_000)
})
