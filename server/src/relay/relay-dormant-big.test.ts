// A big book (past the size whose snapshots a worker encodes) under real y-websocket clients: once
// dormant, clients' edits reach everyone without the relay decoding the book, a client joining
// gets them from the encoded state and its tail, the worker folds them in, the API reads, writes
// and exports it on a worker without waking it, and a restart keeps everything.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readCustomer, readCustomers } from '@crm-sync/model'
import { BOOK_STATE_VECTOR_HEADER, CLOSE_CODE, decodeStateVectorHeader, encodeUpdate } from '@crm-sync/protocol'
import { halfAppliableUpdate } from '../testing/half-appliable-update'
import { readMetric, waitForMetric as waitForMetricAt } from '../testing/server-metrics'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, connectRaw, waitFor, whenSynced, type ProviderClient } from '../testing/ws-clients'

const BOOK = 'north-territory'
// Sweeps every 500 ms: the tail is folded only at the second sweep after the edits (the first finds
// them new), so the late client below joins while they are still in the tail.
const ENV = { BOOK_HIBERNATE_MS: '500' }

describe('relay with a big dormant book', () => {
  let server: TestServer
  let dataDir = ''
  const clients: ProviderClient[] = []
  const connect = async (user: string) => {
    const c = connectProvider(server.wsUrl, BOOK, await server.token(user))
    clients.push(c)
    await whenSynced(c, 15_000)
    return c
  }
  const metric = (name: string) => readMetric(server.url, name)
  const waitForMetric = (name: string, ok: (v: number) => boolean, what: string) => waitForMetricAt(server.url, name, ok, what, 15_000)
  const customers = (doc: Y.Doc) => doc.getMap('customers') as Y.Map<Y.Map<unknown>>

  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('takes edits while dormant without decoding it, serves them to a late client, folds them, answers the API from its bytes, and keeps them through a restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'crm-sync-big-dormant-'))
    server = await startTestServer(ENV, dataDir)
    const [alice, bob] = [await connect('alice'), await connect('bob')]
    // 1.2 MB of notes, a frame of 100 KB at a time: past the 1 MiB from which the worker encodes.
    const ids = [...customers(alice.doc).keys()]
    for (let i = 0; i < 12; i++) {
      alice.doc.transact(() => (customers(alice.doc).get(ids[i]!)!.get('notes') as Y.Text).insert(0, `${i}`.repeat(100_000)))
    }
    await waitFor(() => Y.encodeStateAsUpdate(bob.doc).length > 1_200_000, 15_000, 'the notes at bob')
    // Asleep again after taking the notes (the gauge is set by the sweeps, so it may still read the
    // book's dormant start for a moment).
    await waitFor(() => server.rooms.peek(BOOK)?.isDormant === true, 15_000, 'the big book dormant')
    const wakes = await metric('crm_relay_book_wakes_total')

    // Bad input reaches no tail: an update Yjs would apply half of (4400), a viewer's write (refused).
    const bad = await connectRaw(`${server.wsUrl}/${BOOK}?token=${await server.token('bob')}`)
    bad.send(encodeUpdate(halfAppliableUpdate()))
    expect((await bad.closed).code).toBe(CLOSE_CODE.malformed)
    const viewer = await connectRaw(`${server.wsUrl}/${BOOK}?token=${await server.token('dave')}`)
    const scratch = new Y.Doc()
    scratch.getMap('scratch').set('viewer', 'wrote this')
    viewer.send(encodeUpdate(Y.encodeStateAsUpdate(scratch)))
    await waitForMetric('crm_relay_updates_refused_total{reason="read-only"}', (v) => v === 1, 'the viewer refused')
    viewer.close()
    expect(await metric('crm_relay_dormant_updates_total')).toBe(0)

    const id = ids[20]!
    customers(alice.doc).get(id)!.set('phone', '+49 30 1234567')
    customers(bob.doc).get(ids[21]!)!.set('industry', 'Optics')
    await waitFor(() => readCustomer(bob.doc, id)?.phone === '+49 30 1234567' && readCustomer(alice.doc, ids[21]!)?.industry === 'Optics', 5000, 'both edits everywhere')
    await waitForMetric('crm_relay_dormant_updates_total', (v) => v >= 2, 'edits taken dormant')
    expect(await metric('crm_relay_book_wakes_total')).toBe(wakes)

    const late = await connect('dave')
    // Served the tail (before its sync step 2) by a real y-websocket client, not a folded state.
    expect(await metric('crm_relay_dormant_folds_total')).toBe(0)
    expect(readCustomer(late.doc, id)?.phone).toBe('+49 30 1234567')
    expect(readCustomer(late.doc, ids[21]!)?.industry).toBe('Optics')
    expect(late.doc.getMap('scratch').size).toBe(0)
    await waitForMetric('crm_relay_dormant_folds_total', (v) => v >= 1, 'the tail folded by the worker')
    expect(await metric('crm_relay_book_wakes_total')).toBe(wakes)
    expect(await metric('crm_relay_dormant_books')).toBe(1)

    // The API reads the dormant book on a worker, tail and all, without waking it.
    customers(alice.doc).get(ids[22]!)!.set('website', 'https://optics.example')
    await waitForMetric('crm_relay_dormant_updates_total', (v) => v >= 3, 'a third edit taken dormant')
    const get = async (user: string, path: string) =>
      fetch(`${server.url}/api/books/${BOOK}${path}`, { headers: { authorization: `Bearer ${await server.token(user)}` } })
    const listed = await get('dave', '/customers')
    expect(listed.status).toBe(200)
    const { customers: list } = (await listed.json()) as { customers: { id: string; phone?: string; website?: string }[] }
    expect(list.find((c) => c.id === id)?.phone).toBe('+49 30 1234567')
    expect(list.find((c) => c.id === ids[22])?.website).toBe('https://optics.example')
    expect(list.map((c) => c.id)).toEqual(readCustomers(alice.doc).map((c) => c.id))
    const read = decodeStateVectorHeader(listed.headers.get(BOOK_STATE_VECTOR_HEADER))!
    expect(Y.decodeStateVector(read)).toEqual(Y.decodeStateVector(Y.encodeStateVector(alice.doc)))
    expect(await (await get('bob', `/customers/${ids[22]!}`)).json()).toMatchObject({ id: ids[22], website: 'https://optics.example' })
    expect((await get('bob', '/customers/no-such-customer')).status).toBe(404)
    expect((await get('mallory', '/customers')).status).toBe(403)
    expect((await fetch(`${server.url}/api/books/${BOOK}/customers`)).status).toBe(401)
    expect(await metric('crm_relay_dormant_reads_total{outcome="worker"}')).toBeGreaterThanOrEqual(3)
    expect(await metric('crm_relay_book_wakes_total')).toBe(wakes)
    expect(server.rooms.peek(BOOK)?.isDormant).toBe(true)

    // And writes to it on a worker: the update reaches the clients and the store, the book stays dormant.
    const patch = async (user: string, cid: string, body: string) =>
      fetch(`${server.url}/api/books/${BOOK}/customers/${cid}`, {
        method: 'PATCH', body, headers: { authorization: `Bearer ${await server.token(user)}`, 'content-type': 'application/json' },
      })
    expect((await patch('bob', ids[23]!, '{"industry":')).status).toBe(400)
    expect((await patch('bob', ids[23]!, '{"email":"not an address"}')).status).toBe(400)
    expect((await patch('dave', ids[23]!, '{"industry":"Viewer was here"}')).status).toBe(403)
    expect((await patch('bob', 'no-such-customer', '{"industry":"Glass"}')).status).toBe(404)
    const patched = await patch('bob', ids[23]!, '{"industry":"Glass","phone":"+44 20 7946 0000"}')
    expect(patched.status).toBe(200)
    expect(await patched.json()).toMatchObject({ id: ids[23], industry: 'Glass', phone: '+442079460000' })
    await waitFor(() => readCustomer(alice.doc, ids[23]!)?.industry === 'Glass', 5000, 'the API write at alice')
    expect(await metric('crm_relay_dormant_writes_total{outcome="worker"}')).toBe(3) // the refused email, the missing customer, the patch
    expect(await metric('crm_relay_book_wakes_total')).toBe(wakes)
    expect(server.rooms.peek(BOOK)?.isDormant).toBe(true)
    // An export is built on the worker too, with the write in it.
    const exported = await get('dave', '/export?format=csv')
    expect(exported.status).toBe(200)
    const csv = await exported.text()
    expect(csv.split('\r\n').filter((line) => line.startsWith(ids[23]!))[0]).toContain('Glass')
    expect(await metric('crm_relay_book_wakes_total')).toBe(wakes)
    expect(server.rooms.peek(BOOK)?.isDormant).toBe(true)

    for (const c of clients.splice(0)) c.destroy()
    await server.stop()
    server = await startTestServer(ENV, dataDir)
    const fresh = await connect('bob')
    expect(readCustomer(fresh.doc, id)?.phone).toBe('+49 30 1234567')
    expect(readCustomer(fresh.doc, ids[21]!)?.industry).toBe('Optics')
    expect(readCustomer(fresh.doc, ids[23]!)).toMatchObject({ industry: 'Glass', phone: '+442079460000' })
    expect((customers(fresh.doc).get(ids[11]!)!.get('notes') as Y.Text).length).toBeGreaterThanOrEqual(100_000)
  }, 60_000)
})
