// The opening handshake: a valid request is answered 101 with the RFC's accept key (and the first
// subprotocol offered, as ws did); anything else
// gets the HTTP status RFC 6455 names, the socket is closed, and no connection is made.
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { RawWebSocketClient, upgradeRequest } from '../testing/raw-websocket-client'
import { startWebSocketHarness, type WebSocketHarness } from '../testing/websocket-harness'
import { acceptKeyFor } from './accept-upgrade'

describe('acceptUpgrade', () => {
  let harness: WebSocketHarness | null = null
  afterEach(async () => {
    await harness?.stop()
    harness = null
  })

  it('computes the accept key of RFC 6455 section 1.3', () => {
    expect(acceptKeyFor('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=')
  })

  it('answers a valid request with 101, the first subprotocol offered and no extension', async () => {
    harness = await startWebSocketHarness()
    const request = upgradeRequest({ 'Sec-WebSocket-Protocol': 'chat, superchat', 'Sec-WebSocket-Extensions': 'permessage-deflate' })
    const { client, head } = await RawWebSocketClient.connect(harness.port, request)
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols')
    expect(head).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=')
    expect(head).toMatch(/^Sec-WebSocket-Protocol: chat$/m)
    expect(head.toLowerCase()).not.toContain('sec-websocket-extensions')
    await harness.nextConnection()
    client.destroy()
  })

  it('agrees no subprotocol when none is offered, or the offer is not a token', async () => {
    harness = await startWebSocketHarness()
    for (const offer of [null, 'not a token']) {
      const { client, head } = await RawWebSocketClient.connect(harness.port, upgradeRequest({ 'Sec-WebSocket-Protocol': offer }))
      expect(head.split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols')
      expect(head.toLowerCase()).not.toContain('sec-websocket-protocol')
      client.destroy()
    }
  })

  it('serves a ws client that asks for a subprotocol', async () => {
    harness = await startWebSocketHarness()
    const client = new WebSocket(harness.url, ['y-sync', 'other'])
    await once(client, 'open')
    expect(client.protocol).toBe('y-sync')
    client.close()
  })

  it.each([
    ['an old protocol version', upgradeRequest({ 'Sec-WebSocket-Version': '8' }), 426],
    ['no key', upgradeRequest({ 'Sec-WebSocket-Key': null }), 400],
    ['a key that is not 16 bytes of base64', upgradeRequest({ 'Sec-WebSocket-Key': 'c2hvcnQ=' }), 400],
    ['an upgrade to another protocol', upgradeRequest({ Upgrade: 'h2c' }), 400],
    ['a POST', upgradeRequest({}, 'POST /sync/x HTTP/1.1'), 405],
  ])('refuses %s with its status and closes the socket', async (_what, request, status) => {
    harness = await startWebSocketHarness()
    const { client, head } = await RawWebSocketClient.connect(harness.port, request)
    expect(head.split('\r\n')[0]).toMatch(new RegExp(`^HTTP/1.1 ${status} `))
    if (status === 426) expect(head).toContain('Sec-WebSocket-Version: 13')
    await client.closed()
    expect(harness.acceptedCount).toBe(0)
  })
})
