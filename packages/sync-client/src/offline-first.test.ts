// The core promise against the real relay: edits made offline survive a close and reopen,
// reach the relay on reconnect, and pendingLocal reaches 0 only once the relay made them durable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCustomer } from '@crm-sync/model'
import { customersJson, makeDevice, recordStates, sleep, startTestServer, storedDoc, waitFor, type TestServer } from './test-support'

describe('offline first, with the real relay', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.dispose()
  })

  it('loads from IndexedDB before the network and works with no network at all', async () => {
    const device = makeDevice(null) // port 9: nothing listens
    const first = device.open()
    await first.whenLoaded
    const id = first.customers.create({ name: 'No Network AG' })
    await first.whenSaved()
    await waitFor(() => first.status.nextRetryAt !== null, 5000, 'a failed attempt')
    expect(first.status).toMatchObject({ state: expect.stringMatching(/offline|connecting/), savedLocally: true, pendingLocal: 1 })
    await first.close()

    const second = device.open({ connect: false })
    await second.whenLoaded
    expect(second.customers.read(id)?.name).toBe('No Network AG')
    expect(second.status).toMatchObject({ state: 'offline', pendingLocal: 1 })
    await second.close()
  })

  it('edit offline, close, reopen offline: there; reconnect: the relay has them, acked only once durable', async () => {
    const device = makeDevice(server)
    const online = device.open()
    await online.whenSynced()
    expect(online.doc.getMap('customers').size).toBeGreaterThan(20)
    online.disconnect()
    const id = online.customers.create({ name: 'Offline Edit GmbH', notes: 'met at the fair' })
    online.customers.set(id, 'email', 'buyer@offline.example')
    expect(online.status.pendingLocal).toBe(2)
    await online.close()

    const reopened = device.open({ connect: false })
    await reopened.whenLoaded
    expect(reopened.customers.read(id)).toMatchObject({ name: 'Offline Edit GmbH', email: 'buyer@offline.example' })
    expect(reopened.status).toMatchObject({ state: 'offline', pendingLocal: 2 })
    expect(readCustomer(await storedDoc(server), id)).toBeNull()

    // Watch the relay's store: record when an append carrying our customer became durable.
    const docStore = server.persistence.docStore
    const append = docStore.append.bind(docStore)
    let durable = false
    docStore.append = async (bookId, entries) => {
      const stored = await append(bookId, entries)
      if (entries.some((e) => Buffer.from(e.update).includes(Buffer.from(id)))) durable = true
      return stored
    }
    const durableWhenZero: boolean[] = []
    reopened.on('status', (s) => {
      if (s.pendingLocal === 0 && durableWhenZero.length === 0) durableWhenZero.push(durable)
    })
    try {
      reopened.connect()
      await reopened.whenSynced()
    } finally {
      docStore.append = append
    }
    expect(durableWhenZero).toEqual([true])
    expect(readCustomer(await storedDoc(server), id)).toMatchObject({ name: 'Offline Edit GmbH', email: 'buyer@offline.example' })
    expect(reopened.status.lastSyncedAt).toBeGreaterThan(0)
    await reopened.close()

    // The acknowledgement is remembered: a reload starts with nothing pending.
    const again = device.open({ connect: false })
    await again.whenLoaded
    expect(again.status.pendingLocal).toBe(0)
    expect(again.status.lastSyncedAt).toBeGreaterThan(0)
    await again.close()
  })

  it('pendingLocal stays above 0 while the relay is down, and drains after it is back', async () => {
    const own = await startTestServer()
    const port = own.port
    const getToken = () => own.token('alice') // mints with the data dir's secret; valid after restart
    const device = makeDevice(own)
    const handle = device.open({ getToken })
    await handle.whenSynced()
    const states = recordStates(handle)

    await own.stop()
    const id = handle.customers.create({ name: 'While Down Ltd' })
    await handle.whenSaved()
    await sleep(400)
    expect(handle.status.pendingLocal).toBe(1)
    expect(handle.status.state).not.toBe('synced')
    expect(states).toContain('offline')

    const restarted = await startTestServer({ PORT: String(port) }, own.dataDir)
    try {
      await handle.whenSynced()
      expect(readCustomer(await storedDoc(restarted), id)?.name).toBe('While Down Ltd')
      expect(states.slice(-3)).toEqual(['connecting', 'syncing', 'synced'])
    } finally {
      await handle.close()
      await restarted.dispose()
    }
  })

  it('a second device sees the first one\'s offline edits after both reconnect', async () => {
    const a = makeDevice(server).open()
    const b = makeDevice(server, 'bob').open()
    await Promise.all([a.whenSynced(), b.whenSynced()])
    a.disconnect()
    const id = a.customers.create({ name: 'Seen Later SA' })
    await sleep(100)
    expect(b.customers.read(id)).toBeNull()
    a.connect()
    await waitFor(() => b.customers.read(id) !== null, 5000, 'b sees the customer')
    await a.whenSynced()
    expect(customersJson(a.doc)).toBe(customersJson(b.doc))
    await Promise.all([a.close(), b.close()])
  })

})
