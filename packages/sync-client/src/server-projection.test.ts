// A fresh device against the real relay: the relay's customer list is offered as the projection
// while the first sync runs, then the document replaces it; a device with something stored never
// fetches it; a failing fetch (HTTP error, malformed or oversized body, refused token) is reported
// and the book opens from its document as before; a first sync that beats the fetch, going
// offline and close() all cancel it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readCustomers } from '@crm-sync/model'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import type { BookHandle } from './book-handle'
import type { ServerProjectionOptions } from './server-projection'
import { isSyncClientError, type SyncClientError } from './sync-client-error'
import { BOOK, customersJson, makeDevice, sleep, startTestServer, storedDoc, waitFor, type TestServer } from './test-support'

/** The ws class, with frames from the relay held until `gate` resolves: the first sync waits for it. */
const heldSocketClass = (gate: Promise<unknown>) =>
  class HeldWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols)
      let handler: ((event: WebSocket.MessageEvent) => void) | null = null
      let delivered: Promise<unknown> = gate
      this.addEventListener('message', (event) => {
        delivered = delivered.then(() => handler?.(event))
      })
      Object.defineProperty(this, 'onmessage', { get: () => handler, set: (fn: typeof handler) => (handler = fn) })
    }
  }

/** An HTTP API that answers the customer list as a test says (the relay stays the real one). */
interface StubApi {
  readonly url: string
  /** Requests so far, and whether each one was aborted by the client. */
  readonly requests: { path: string; aborted: boolean }[]
  answer: (req: IncomingMessage, res: ServerResponse) => void
  close(): Promise<void>
}

const startStubApi = async (): Promise<StubApi> => {
  const stub: Omit<StubApi, 'url' | 'close'> = { requests: [], answer: (_req, res) => res.writeHead(500).end() }
  const server: Server = createServer((req, res) => {
    const request = { path: req.url ?? '', aborted: false }
    stub.requests.push(request)
    res.on('close', () => (request.aborted = !res.writableFinished))
    stub.answer(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return Object.assign(stub, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  })
}

/** What the handle's promises had settled to, in order, and the projection's source at the time. */
const settled = (handle: BookHandle) => {
  const seen: string[] = []
  void handle.whenLoaded.then(() => seen.push('loaded'))
  void handle.whenReadable.then((from) => seen.push(`readable:${from}:${handle.projection?.source ?? 'none'}`))
  void handle.whenDocument.then(() => seen.push('document'), (e: unknown) => seen.push(`document-rejected:${isSyncClientError(e) ? e.code : e}`))
  return seen
}

describe('server projection on a fresh device', () => {
  let server: TestServer
  let stub: StubApi
  beforeAll(async () => {
    server = await startTestServer()
    stub = await startStubApi()
  })
  afterAll(async () => {
    await stub.close()
    await server.dispose()
  })
  const errors: SyncClientError[] = []
  const relayApi = (extra: Partial<ServerProjectionOptions> = {}): ServerProjectionOptions => ({
    httpUrl: server.url, onError: (e) => errors.push(e), ...extra,
  })
  const stubApi = (extra: Partial<ServerProjectionOptions> = {}): ServerProjectionOptions => ({
    httpUrl: stub.url, onError: (e) => errors.push(e), ...extra,
  })
  /**
   * Opens a fresh device whose first sync waits until the fetch failed, so that the failure, not
   * a sync that happened to come first, is what is tested.
   */
  const openUntilFailure = (httpUrl: string, extra: Partial<ServerProjectionOptions> = {}, user = 'alice') => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const onError = (e: SyncClientError) => {
      errors.push(e)
      release()
    }
    return makeDevice(server, user).open({ serverProjection: { httpUrl, onError, ...extra }, WebSocketPolyfill: heldSocketClass(gate) })
  }

  it("offers the relay's list before the first sync, then the document; stores only its own projection", async () => {
    errors.length = 0
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const device = makeDevice(server)
    const handle = device.open({ serverProjection: relayApi(), WebSocketPolyfill: heldSocketClass(gate) })
    const seen = settled(handle)

    expect(await handle.whenReadable).toBe('projection')
    const relayDoc = await storedDoc(server)
    const projection = handle.projection!
    expect(projection.source).toBe('server')
    expect(projection.customers).toEqual(readCustomers(relayDoc, { includeArchived: true }))
    expect(projection.customers.length).toBeGreaterThan(20)
    expect(Y.decodeStateVector(projection.stateVector)).toEqual(Y.decodeStateVector(Y.encodeStateVector(relayDoc)))
    expect(projection.get(projection.customers[3]!.id)).toEqual(projection.customers[3])
    expect(projection.stale.size).toBe(0)
    // Loaded (nothing was stored), but the document does not hold the book yet: read-only list.
    expect(seen).toEqual(['loaded', 'readable:projection:server'])
    expect(handle.doc.getMap('customers').size).toBe(0)
    await handle.flush()
    expect(await device.store.readProjection(BOOK)).toBeNull()

    release()
    await handle.whenDocument
    expect(seen).toEqual(['loaded', 'readable:projection:server', 'document'])
    expect(handle.projection).toBeNull()
    expect(handle.status.state).toBe('synced')
    expect(handle.customers.list({ includeArchived: true })).toEqual(projection.customers)
    // The device's own projection is written from the document, whole, as on any first open.
    await handle.whenSaved()
    await handle.flush()
    expect((await device.store.readProjection(BOOK))?.customers).toEqual(readCustomers(handle.doc, { includeArchived: true }))
    await handle.close()
    expect(errors).toEqual([])

    // The next open has its own projection and stored updates: no fetch, the device's list.
    const fetches = vi.spyOn(globalThis, 'fetch')
    try {
      const again = device.open({ serverProjection: relayApi() })
      expect(await again.whenReadable).toBe('projection')
      expect(again.projection?.source).toBe('device')
      await again.whenDocument
      expect(again.projection).toBeNull()
      expect(customersJson(again.doc)).toBe(customersJson(relayDoc))
      await again.close()
      expect(fetches).not.toHaveBeenCalled()
    } finally {
      fetches.mockRestore()
    }
  })

  it('never fetches without the option, offline, or with updates stored but no projection', async () => {
    const fetches = vi.spyOn(globalThis, 'fetch')
    try {
      const plain = makeDevice(server).open()
      expect(await plain.whenReadable).toBe('document')
      await plain.whenDocument
      await plain.close()

      const offline = makeDevice(server).open({ connect: false, serverProjection: relayApi() })
      expect(await offline.whenReadable).toBe('document')
      await offline.whenDocument
      await offline.close()

      const legacy = makeDevice(server)
      const doc = new Y.Doc()
      doc.getMap('book').set('name', 'stored by an older version')
      await legacy.store.write(BOOK, { updates: [Y.encodeStateAsUpdate(doc)], pending: [], acknowledged: [] })
      const opened = legacy.open({ serverProjection: relayApi() })
      expect(await opened.whenReadable).toBe('document')
      await opened.whenDocument
      await opened.close()
      expect(fetches).not.toHaveBeenCalled()
    } finally {
      fetches.mockRestore()
    }
  })

  const jsonWith = (body: string, stateVector: string | null = 'AA==') => (_req: IncomingMessage, res: ServerResponse) =>
    res.writeHead(200, { 'content-type': 'application/json', ...(stateVector ? { 'x-book-state-vector': stateVector } : {}) }).end(body)

  it.each([
    ['a 500', (_req: IncomingMessage, res: ServerResponse) => res.writeHead(500).end('{"error":{}}'), /500/],
    ['a 404', (_req: IncomingMessage, res: ServerResponse) => res.writeHead(404).end(), /404/],
    ['a body that is not JSON', jsonWith('{"customers": [tr'), /not JSON/],
    ['JSON that is not customers', jsonWith('{"customers":[{"id":1,"name":"x"}]}'), /not a list of customers/],
    ['JSON without a list', jsonWith('[]'), /not a list of customers/],
    ['no state vector', jsonWith('{"customers":[]}', null), /X-Book-State-Vector/],
    ['a state vector that is not one', jsonWith('{"customers":[]}', '////'), /X-Book-State-Vector/],
    ['a connection cut mid-body', (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'x-book-state-vector': 'AA==', 'content-length': '1000' }).write('{"customers":[')
      setTimeout(() => res.destroy(), 10)
    }, /./],
  ])('ignores %s: reported, and the book opens from its document', async (_what, answer, message) => {
    errors.length = 0
    stub.answer = answer
    const handle = openUntilFailure(stub.url)
    const seen = settled(handle)
    expect(await handle.whenReadable).toBe('document')
    await handle.whenDocument
    expect(handle.projection).toBeNull()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'server-projection-failed', message })
    await handle.whenSynced()
    expect(handle.customers.list().length).toBeGreaterThan(20)
    expect(seen.slice(0, 3)).toEqual(['loaded', 'readable:document:none', 'document'])
    await handle.close()
  })

  it('refuses a body larger than maxBytes', async () => {
    errors.length = 0
    const handle = openUntilFailure(server.url, { maxBytes: 2000 })
    expect(await handle.whenReadable).toBe('document')
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/larger than 2000 bytes/)])
    await handle.whenSynced()
    await handle.close()
  })

  it('ignores a refused token (403) and opens as before: the relay refuses the socket too', async () => {
    errors.length = 0
    const handle = openUntilFailure(server.url, {}, 'mallory')
    expect(await handle.whenReadable).toBe('document')
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/403/)])
    await handle.whenDocument
    await waitFor(() => handle.status.error?.code === 'not-member', 5000, 'not-member')
    expect(handle.customers.list()).toEqual([])
    await handle.close()
  })

  it('syncs without the list after syncAfterMs, and cancels the fetch once the first sync is in', async () => {
    errors.length = 0
    stub.requests.length = 0
    stub.answer = () => {} // never answers
    const handle = makeDevice(server).open({ serverProjection: stubApi({ syncAfterMs: 50 }) })
    const seen = settled(handle)
    await sleep(25)
    expect(handle.status.state).not.toBe('synced') // waiting for the list first
    await handle.whenDocument
    expect(handle.status.state).toBe('synced')
    expect(seen).toEqual(['loaded', 'readable:document:none', 'document'])
    expect(handle.projection).toBeNull()
    expect(handle.customers.list().length).toBeGreaterThan(20)
    await waitFor(() => stub.requests[0]?.aborted === true, 5000, 'the request to be aborted')
    expect(stub.requests.map((r) => r.path)).toEqual([`/api/books/${BOOK}/customers?includeArchived=1`])
    expect(errors).toEqual([])
    await handle.close()
  })

  it('close() during the fetch aborts it; whenDocument rejects with closed; the next open fetches again', async () => {
    errors.length = 0
    stub.requests.length = 0
    stub.answer = () => {}
    const device = makeDevice(server)
    const handle = device.open({ serverProjection: stubApi(), WebSocketPolyfill: heldSocketClass(new Promise(() => {})) })
    const seen = settled(handle)
    await waitFor(() => stub.requests.length === 1, 5000, 'the request')
    await handle.close()
    await waitFor(() => stub.requests[0]?.aborted === true, 5000, 'the request to be aborted')
    await sleep(10)
    expect(seen).toEqual(['loaded', 'readable:document:none', 'document-rejected:closed'])
    expect(errors).toEqual([])
    // Nothing was stored for the empty document (no projection of nothing): still a fresh device.
    expect(await device.store.readProjection(BOOK)).toBeNull()
    const again = device.open({ serverProjection: relayApi(), WebSocketPolyfill: heldSocketClass(new Promise(() => {})) })
    expect(await again.whenReadable).toBe('projection')
    expect(again.projection?.source).toBe('server')
    await again.close()
  })

  it('going offline during the fetch gives it up and opens from the document; a list already shown stays', async () => {
    errors.length = 0
    stub.requests.length = 0
    stub.answer = () => {}
    const held = new Promise(() => {})
    const cancelled = makeDevice(server).open({ serverProjection: stubApi(), WebSocketPolyfill: heldSocketClass(held) })
    await waitFor(() => stub.requests.length === 1, 5000, 'the request')
    cancelled.disconnect()
    expect(await cancelled.whenReadable).toBe('document')
    await cancelled.whenDocument
    await waitFor(() => stub.requests[0]?.aborted === true, 5000, 'the request to be aborted')
    await cancelled.close()

    const shown = makeDevice(server).open({ serverProjection: relayApi(), WebSocketPolyfill: heldSocketClass(held) })
    expect(await shown.whenReadable).toBe('projection')
    shown.disconnect()
    await sleep(20)
    expect(shown.projection?.customers.length).toBeGreaterThan(20)
    await shown.close()
    await expect(shown.whenDocument).rejects.toMatchObject({ code: 'closed' })
    expect(shown.projection).toBeNull()
    expect(errors).toEqual([])
  })
})
