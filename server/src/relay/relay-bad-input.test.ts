// Bad input hurts only its sender: malformed or oversized frames close that one connection,
// nothing malformed is stored, and other clients keep syncing.
import { once } from 'node:events'
import net from 'node:net'
import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CLOSE_CODE, encodeUpdate } from '@crm-sync/protocol'
import { halfAppliableUpdate } from '../testing/half-appliable-update'
import { clientFrame, RawWebSocketClient, upgradeRequest } from '../testing/raw-websocket-client'
import { OPCODE } from '../websocket/opcode'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, connectRaw, waitFor, whenSynced } from '../testing/ws-clients'

const BOOK = 'key-accounts'

/** An awareness frame of one entry whose state is `json` as given (y-protocols' layout). */
const awarenessFrame = (clientId: number, clock: number, json: string): Uint8Array => {
  const entry = encoding.createEncoder()
  encoding.writeVarUint(entry, 1)
  encoding.writeVarUint(entry, clientId)
  encoding.writeVarUint(entry, clock)
  encoding.writeVarString(entry, json)
  const frame = encoding.createEncoder()
  encoding.writeVarUint(frame, 1)
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(entry))
  return encoding.toUint8Array(frame)
}

describe('relay bad input', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ MAX_FRAME_BYTES: '4096' })
  })
  afterAll(async () => {
    await server.dispose()
  })

  const validUpdate = (() => {
    const doc = new Y.Doc()
    doc.getMap('customers').set('fine', 'value')
    return Y.encodeStateAsUpdate(doc)
  })()

  /**
   * Runs `misbehave` beside two synced clients: the bad client gets `code`, nothing is stored, and
   * the two keep syncing. `misbehave` returns the close code the bad client got.
   */
  const hurtsOnlyItsSender = async (misbehave: () => Promise<number>, code: number): Promise<void> => {
    const a = connectProvider(server.wsUrl, BOOK, await server.token('alice'))
    const b = connectProvider(server.wsUrl, BOOK, await server.token('bob'))
    await Promise.all([whenSynced(a), whenSynced(b)])
    const headBefore = (await server.persistence.docStore.load(BOOK)).headSeq
    expect(await misbehave()).toBe(code)
    expect((await server.persistence.docStore.load(BOOK)).headSeq).toBe(headBefore)
    const key = `after-${Math.random()}`
    a.doc.getMap('scratch').set(key, 1)
    await waitFor(() => b.doc.getMap('scratch').has(key), 5000, 'sync after the bad client')
    a.destroy()
    b.destroy()
  }

  it.each([
    ['an unknown message type', new Uint8Array([42, 1, 2]), CLOSE_CODE.malformed],
    ['a truncated sync frame', new Uint8Array([0, 2, 40, 1, 2]), CLOSE_CODE.malformed],
    ['an undecodable Yjs update', encodeUpdate(new Uint8Array([1, 200, 200, 200, 1, 4])), CLOSE_CODE.malformed],
    ['a truncated Yjs update', encodeUpdate(validUpdate.slice(0, validUpdate.length - 4)), CLOSE_CODE.malformed],
    ['an ack sent by a client', new Uint8Array([100, 1, 1]), CLOSE_CODE.malformed],
    ['an auth message sent by a client', new Uint8Array([2, 0, 0]), CLOSE_CODE.malformed],
    ['an error message sent by a client', new Uint8Array([101, 2, 123, 125]), CLOSE_CODE.malformed],
    ['an undecodable state vector in sync step 1', new Uint8Array([0, 0, 2, 5, 1]), CLOSE_CODE.malformed],
    ['sync step 1 with bytes after the message', new Uint8Array([0, 0, 1, 0, 7]), CLOSE_CODE.malformed],
    ['an undecodable awareness update', new Uint8Array([1, 3, 1, 200, 200]), CLOSE_CODE.malformed],
    ['an awareness state that is not an object', awarenessFrame(7, 1, '[1,2]'), CLOSE_CODE.malformed],
    ['a query-awareness with bytes after it', new Uint8Array([3, 9]), CLOSE_CODE.malformed],
    ['a frame over MAX_FRAME_BYTES', new Uint8Array(10_000).fill(1), CLOSE_CODE.tooBig],
  ])('closes the sender of %s and keeps the others syncing', async (_what, frame, code) => {
    await hurtsOnlyItsSender(async () => {
      const bad = await connectRaw(`${server.wsUrl}/${BOOK}?token=${await server.token('carol')}`)
      bad.send(frame)
      return (await bad.closed).code
    }, code)
  })

  it('refuses an update that Yjs would apply only half of, and the others keep their book', async () => {
    const a = connectProvider(server.wsUrl, BOOK, await server.token('alice'))
    await whenSynced(a)
    const room = server.rooms.peek(BOOK)!
    const headBefore = (await server.persistence.docStore.load(BOOK)).headSeq
    const bad = await connectRaw(`${server.wsUrl}/${BOOK}?token=${await server.token('carol')}`)
    bad.send(encodeUpdate(halfAppliableUpdate()))
    expect((await bad.closed).code).toBe(CLOSE_CODE.malformed)
    expect((await server.persistence.docStore.load(BOOK)).headSeq).toBe(headBefore)
    expect(server.rooms.peek(BOOK)).toBe(room) // not dropped and reloaded: nobody had to reconnect
    expect(room.doc.getMap('scratch').has('half-applied')).toBe(false)
    expect(a.provider.wsconnected).toBe(true)
    a.destroy()
  })

  it('drops the book when applying a frame fails part-way, so nothing of it is kept or served', async () => {
    // No frame the update check passes is known to make Yjs throw; an observer in the server's
    // process that throws makes Y.applyUpdate throw too, after the update is in the document.
    const a = connectProvider(server.wsUrl, BOOK, await server.token('alice'))
    await whenSynced(a)
    const headBefore = (await server.persistence.docStore.load(BOOK)).headSeq
    const room = server.rooms.peek(BOOK)!
    room.doc.getMap('scratch').observe((event) => {
      if (event.keysChanged.has('half-applied')) throw new Error('an observer failed')
    })
    const sender = new Y.Doc()
    sender.getMap('scratch').set('half-applied', 'kept?')
    const bad = await connectRaw(`${server.wsUrl}/${BOOK}?token=${await server.token('carol')}`)
    bad.send(encodeUpdate(Y.encodeStateAsUpdate(sender)))
    expect((await bad.closed).code).toBe(CLOSE_CODE.malformed)
    expect((await server.persistence.docStore.load(BOOK)).headSeq).toBe(headBefore)

    // Others go to a freshly loaded book (1011) and reconnect; a newcomer never sees the frame.
    await waitFor(() => server.rooms.peek(BOOK) !== room, 5000, 'the book dropped')
    const fresh = connectProvider(server.wsUrl, BOOK, await server.token('bob'))
    await whenSynced(fresh)
    expect(fresh.doc.getMap('scratch').has('half-applied')).toBe(false)
    const key = `after-${Math.random()}`
    a.doc.getMap('scratch').set(key, 1)
    await waitFor(() => fresh.doc.getMap('scratch').has(key), 10_000, 'sync after the book reloaded')
    expect(a.doc.getMap('scratch').has('half-applied')).toBe(false)
    a.destroy()
    fresh.destroy()
  })

  it('closes a text frame with 4400', async () => {
    const bad = await connectRaw(`${server.wsUrl}/${BOOK}?token=${await server.token('alice')}`)
    bad.ws.send('hello')
    expect((await bad.closed).code).toBe(CLOSE_CODE.malformed)
  })

  it.each([
    ['an unmasked frame', clientFrame(OPCODE.binary, encodeUpdate(validUpdate), { masked: false }), 1002],
    ['a frame with a reserved bit set', clientFrame(OPCODE.binary, encodeUpdate(validUpdate), { rsv: 0b100 }), 1002],
    ['a frame that claims 2^40 bytes', clientFrame(OPCODE.binary, '', { declaredLength: 2 ** 40, lengthBits: 64 }), 1009],
  ])('closes %s with its close code, stores nothing, and keeps the others syncing', async (_what, bytes, code) => {
    await hurtsOnlyItsSender(async () => {
      const request = upgradeRequest({}, `GET /sync/${BOOK}?token=${await server.token('carol')} HTTP/1.1`)
      const { client, head } = await RawWebSocketClient.connect(server.port, request)
      expect(head.split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols')
      client.write(bytes)
      let close = await client.nextFrame()
      while (close.opcode !== OPCODE.close) close = await client.nextFrame() // the relay's sync step 1 may come first
      client.destroy()
      return close.payload.readUInt16BE(0)
    }, code)
  })

  it('answers an upgrade of another WebSocket version with 426, and one without a key with 400', async () => {
    const path = `GET /sync/${BOOK}?token=${await server.token('carol')} HTTP/1.1`
    const old = await RawWebSocketClient.connect(server.port, upgradeRequest({ 'Sec-WebSocket-Version': '8' }, path))
    expect(old.head.split('\r\n')[0]).toBe('HTTP/1.1 426 Upgrade Required')
    await old.client.closed()
    const keyless = await RawWebSocketClient.connect(server.port, upgradeRequest({ 'Sec-WebSocket-Key': null }, path))
    expect(keyless.head.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request')
    await keyless.client.closed()
  })

  it('answers an upgrade whose target is no URL with 400, and survives clients that reset refused upgrades', async () => {
    const odd = await RawWebSocketClient.connect(server.port, upgradeRequest({}, 'GET http://a:99999/sync/x HTTP/1.1'))
    expect(odd.head.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request')
    await odd.client.closed()
    for (let i = 0; i < 20; i++) {
      const socket = net.connect(server.port, '127.0.0.1')
      await once(socket, 'connect')
      socket.write(upgradeRequest({}, `GET /elsewhere/${i} HTTP/1.1`))
      socket.resetAndDestroy()
    }
    // Still serving.
    const a = connectProvider(server.wsUrl, BOOK, await server.token('alice'))
    await whenSynced(a)
    a.destroy()
  })

  it('refuses upgrades on other paths', async () => {
    await expect(connectRaw(`ws://127.0.0.1:${server.port}/elsewhere/${BOOK}`)).rejects.toThrow(/404/)
  })
})
