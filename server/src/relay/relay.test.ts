// The relay with the real y-websocket client: convergence, restart durability, the ack extension.
import * as decoding from 'lib0/decoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createCustomer, editNotes, readCustomer, setCustomerField } from '@crm-sync/model'
import { MESSAGE_TYPE, encodeUpdate } from '@crm-sync/protocol'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, connectRaw, waitFor, whenSynced, type ProviderClient } from '../testing/ws-clients'

const BOOK = 'north-territory'

describe('relay with y-websocket clients', () => {
  let server: TestServer
  const clients: ProviderClient[] = []
  const connect = async (user: string, params: Record<string, string> = {}) => {
    const c = connectProvider(server.wsUrl, BOOK, await server.token(user), params)
    clients.push(c)
    await whenSynced(c)
    return c
  }

  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server.dispose()
  })

  it('serves a seeded demo book to an unmodified WebsocketProvider', async () => {
    const alice = await connect('alice')
    expect(alice.doc.getMap('book').get('name')).toBe('North territory')
    expect(alice.doc.getMap('customers').size).toBeGreaterThan(20)
  })

  it('converges three clients that edited one customer concurrently', async () => {
    const [a, b, c] = [await connect('alice'), await connect('bob'), await connect('alice')]
    const id = createCustomer(a.doc, { name: 'Concurrent GmbH', notes: 'base' }, { by: 'alice' })
    await waitFor(() => readCustomer(b.doc, id) !== null && readCustomer(c.doc, id) !== null, 5000, 'customer everywhere')

    for (const x of [a, b, c]) x.provider.disconnect()
    setCustomerField(a.doc, id, 'email', 'a@example.com')
    setCustomerField(b.doc, id, 'phone', '+4930123456')
    setCustomerField(c.doc, id, 'industry', 'Logistics')
    for (const [x, v] of [[a, 'lead'], [b, 'prospect'], [c, 'customer']] as const) setCustomerField(x.doc, id, 'status', v)
    editNotes(a.doc, id, 0, 0, 'A:')
    editNotes(b.doc, id, 4, 0, ':B')
    editNotes(c.doc, id, 2, 0, '-C-')
    for (const x of [a, b, c]) x.provider.connect()

    const same = () => {
      const [ra, rb, rc] = [a, b, c].map((x) => JSON.stringify(readCustomer(x.doc, id)))
      return ra === rb && rb === rc
    }
    await waitFor(same, 5000, 'convergence')
    const merged = readCustomer(a.doc, id)!
    expect(merged).toMatchObject({ email: 'a@example.com', phone: '+4930123456', industry: 'Logistics' })
    expect(['lead', 'prospect', 'customer']).toContain(merged.status)
    expect(merged.notes).toContain('A:')
    expect(merged.notes).toContain(':B')
    expect(merged.notes).toContain('-C-')
  })

  it('acknowledges durable updates only to clients that opted in', async () => {
    const token = await server.token('alice')
    const opted = await connectRaw(`${server.wsUrl}/${BOOK}?ack=1&token=${token}`)
    const plain = await connectRaw(`${server.wsUrl}/${BOOK}?token=${token}`)
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    doc.getMap('scratch').set('x', 1)
    doc.getMap('scratch').set('y', 2)
    for (const u of updates) {
      opted.send(encodeUpdate(u))
      plain.send(encodeUpdate(u))
    }
    const acks = () => opted.frames.filter((f) => f[0] === MESSAGE_TYPE.ack).map((f) => {
      const d = decoding.createDecoder(f)
      decoding.readVarUint(d)
      return { frames: decoding.readVarUint(d), seq: decoding.readVarUint(d) }
    })
    await waitFor(() => acks().at(-1)?.frames === 2, 5000, 'ack of both frames')
    expect(acks().at(-1)!.seq).toBeGreaterThan(0)
    await new Promise((r) => setTimeout(r, 100))
    expect(plain.frames.some((f) => f[0] === MESSAGE_TYPE.ack)).toBe(false)
    opted.close()
    plain.close()
  })

  it('acknowledges a long burst cumulatively and in frame order, empty updates included', async () => {
    const token = await server.token('alice')
    const opted = await connectRaw(`${server.wsUrl}/${BOOK}?ack=1&token=${token}`)
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    const burst = 3000
    for (let i = 0; i < burst; i++) doc.getMap('burst').set(`k${i % 50}`, i)
    const empty = Y.encodeStateAsUpdate(new Y.Doc())
    updates.forEach((u, i) => opted.send(encodeUpdate(i % 600 === 599 ? empty : u)))
    const acked = () => opted.frames.filter((f) => f[0] === MESSAGE_TYPE.ack).map((f) => {
      const d = decoding.createDecoder(f)
      decoding.readVarUint(d)
      return decoding.readVarUint(d)
    })
    await waitFor(() => acked().at(-1) === burst, 15_000, 'ack of the whole burst')
    const frames = acked()
    expect(frames.every((n, i) => i === 0 || n > frames[i - 1]!)).toBe(true)
    opted.close()
  })

  it('stamps presence with the identity from the token', async () => {
    const eve = await connect('alice')
    const watcher = await connect('bob')
    eve.provider.awareness.setLocalStateField('user', { id: 'bob', name: 'Not Alice', color: '#f00' })
    await waitFor(() => watcher.provider.awareness.getStates().has(eve.doc.clientID), 5000, 'presence')
    const seen = watcher.provider.awareness.getStates().get(eve.doc.clientID) as { user: Record<string, string> }
    expect(seen.user).toEqual({ id: 'alice', name: 'alice', color: '#f00' })
  })
})

describe('relay durability across restarts', () => {
  it('brings back everything after a restart', async () => {
    const first = await startTestServer({ COMPACT_THRESHOLD: '5' })
    const c = connectProvider(first.wsUrl, BOOK, await first.token('alice'))
    await whenSynced(c)
    const ids: string[] = []
    for (let i = 0; i < 12; i++) ids.push(createCustomer(c.doc, { name: `Restart ${i}` }, { by: 'alice' }))
    const before = c.doc.getMap('customers').toJSON()
    await new Promise((r) => setTimeout(r, 300))
    c.destroy()
    await first.stop()

    const second = await startTestServer({}, first.dataDir)
    try {
      const d = connectProvider(second.wsUrl, BOOK, await second.token('bob'))
      await whenSynced(d)
      expect(d.doc.getMap('customers').toJSON()).toEqual(before)
      expect(Object.keys(before)).toHaveLength(ids.length + 36)
      d.destroy()
    } finally {
      await second.dispose()
    }
  })
})
