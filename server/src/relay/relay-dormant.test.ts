// Hibernation under real y-websocket clients: connected, idle clients keep a book dormant, and
// the next edit wakes it and reaches everyone, including a client that joins while it sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCustomer, readCustomer } from '@crm-sync/model'
import { readMetric, waitForMetric as waitForMetricAt } from '../testing/server-metrics'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, waitFor, whenSynced, type ProviderClient } from '../testing/ws-clients'

const BOOK = 'north-territory'

describe('relay with hibernating books', () => {
  let server: TestServer
  const clients: ProviderClient[] = []
  const connect = async (user: string) => {
    const c = connectProvider(server.wsUrl, BOOK, await server.token(user))
    clients.push(c)
    await whenSynced(c)
    return c
  }
  const metric = (name: string) => readMetric(server.url, name)
  const waitForMetric = (name: string, ok: (v: number) => boolean, what: string) => waitForMetricAt(server.url, name, ok, what)

  beforeAll(async () => {
    server = await startTestServer({ BOOK_HIBERNATE_MS: '40' })
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server.dispose()
  })

  it('lets a book with idle clients sleep, and wakes it for the next edit without losing anything', async () => {
    const [alice, bob] = [await connect('alice'), await connect('bob')]
    // y-websocket clients send presence and resync periodically; neither needs the decoded book.
    await waitForMetric('crm_relay_dormant_books', (v) => v === 1, 'book dormant with clients connected')
    const wakes = await metric('crm_relay_book_wakes_total')
    const hibernations = await metric('crm_relay_book_hibernations_total')
    const late = await connect('alice')
    expect(late.doc.getMap('customers').size).toBe(alice.doc.getMap('customers').size)

    const id = createCustomer(alice.doc, { name: 'Wakes the book' }, { by: 'alice' })
    await waitFor(() => readCustomer(bob.doc, id) !== null && readCustomer(late.doc, id) !== null, 5000, 'edit everywhere')
    expect(await metric('crm_relay_book_wakes_total')).toBeGreaterThan(wakes)
    await waitForMetric('crm_relay_book_hibernations_total', (v) => v > hibernations, 'dormant again')

    // What was edited before it slept is served from the encoded state to a fresh client.
    const fresh = await connect('dave')
    expect(readCustomer(fresh.doc, id)?.name).toBe('Wakes the book')
  })
})
