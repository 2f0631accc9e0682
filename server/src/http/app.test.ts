// The HTTP API against a real server: auth, books, members, customers, ops endpoints, and the
// malformed, oversized and unauthorised requests each endpoint must refuse clearly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, waitFor, whenSynced } from '../testing/ws-clients'
import { readCustomer, readCustomers } from '@crm-sync/model'
import { BOOK_STATE_VECTOR_HEADER, decodeStateVectorHeader } from '@crm-sync/protocol'
import * as Y from 'yjs'

describe('HTTP API', () => {
  let server: TestServer
  let alice = ''
  let bob = ''
  let dave = ''
  const call = (path: string, init: RequestInit & { token?: string; json?: unknown } = {}) => {
    const headers = new Headers(init.headers)
    if (init.token) headers.set('authorization', `Bearer ${init.token}`)
    if (init.json !== undefined) headers.set('content-type', 'application/json')
    return fetch(`${server.url}${path}`, { ...init, headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) })
  }
  /** The relay's durable state of a book: snapshot plus log, straight from its store. */
  const storedDoc = async (bookId: string): Promise<Y.Doc> => {
    const loaded = await server.persistence.docStore.load(bookId)
    const doc = new Y.Doc()
    if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot)
    for (const u of loaded.updates) Y.applyUpdate(doc, u.update)
    return doc
  }
  const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code

  beforeAll(async () => {
    server = await startTestServer({ MAX_HTTP_BODY_BYTES: '2048' })
    alice = await server.token('alice')
    bob = await server.token('bob')
    dave = await server.token('dave')
  })
  afterAll(async () => {
    await server.dispose()
  })

  describe('ops', () => {
    it('reports health, metrics and the OpenAPI document', async () => {
      const health = await call('/health')
      expect(health.status).toBe(200)
      expect(await health.json()).toMatchObject({ ok: true })
      const metrics = await (await call('/metrics')).text()
      expect(metrics).toContain('crm_relay_connections')
      expect(metrics).toContain('crm_store_write_seconds')
      const doc = (await (await call('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> }
      expect(doc.openapi).toBe('3.1.0')
      expect(Object.keys(doc.paths)).toContain('/api/books/{bookId}/customers/{customerId}')
      expect(Object.keys(doc.paths)).toContain('/api/auth/config')
    })

    it('answers unknown API paths with a JSON 404', async () => {
      const res = await call('/api/nope', { token: alice })
      expect(res.status).toBe(404)
      expect(await errorCode(res)).toBe('not-found')
    })
  })

  describe('dev login', () => {
    it('issues a token usable as bearer and sets the cookie', async () => {
      const res = await call('/api/auth/dev-login', { method: 'POST', json: { user: 'erin', name: 'Erin Blake' } })
      expect(res.status).toBe(200)
      const { token } = (await res.json()) as { token: string }
      expect(res.headers.get('set-cookie')).toMatch(/crm_token=.+HttpOnly/i)
      expect(await (await call('/api/auth/me', { token })).json()).toEqual({ id: 'erin', name: 'Erin Blake' })
      const byCookie = await call('/api/auth/me', { headers: { cookie: `crm_token=${token}` } })
      expect(byCookie.status).toBe(200)
    })

    it.each([
      ['malformed JSON', { body: '{"user":', headers: { 'content-type': 'application/json' } }, 400, 'invalid-json'],
      ['a bad user id', { json: { user: 'no spaces allowed' } }, 400, 'invalid-body'],
      ['unknown fields', { json: { user: 'x', admin: true } }, 400, 'invalid-body'],
      ['a non-JSON body', { body: 'user=alice', headers: { 'content-type': 'text/plain' } }, 415, 'unsupported-media-type'],
      ['an oversized body', { json: { user: 'x', name: 'y'.repeat(5000) } }, 413, 'body-too-large'],
    ])('refuses %s', async (_what, init, status, code) => {
      const res = await call('/api/auth/dev-login', { method: 'POST', ...init })
      expect(res.status).toBe(status)
      expect(await errorCode(res)).toBe(code)
    })

    it.each([
      ['no token', {}, 'no-token'],
      ['a bad token', { token: 'abc.def.ghi' }, 'bad-token'],
      ['a bad token cookie', { headers: { cookie: 'crm_token=abc.def.ghi' } }, 'bad-token'],
    ])('answers "who am I" with %s as 401', async (_what, auth, code) => {
      const res = await call('/api/auth/me', auth)
      expect(res.status).toBe(401)
      expect(await errorCode(res)).toBe(code)
    })

    it('is off when AUTH_MODE=jwt', async () => {
      const jwt = await startTestServer({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 's'.repeat(40) })
      try {
        const res = await fetch(`${jwt.url}/api/auth/dev-login`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'alice' }),
        })
        expect(res.status).toBe(403)
        expect(await errorCode(res)).toBe('dev-login-off')
      } finally {
        await jwt.dispose()
      }
    })
  })

  describe('sign-in configuration', () => {
    const config = (base: string, path = '/api/auth/config', init?: RequestInit) => fetch(`${base}${path}`, init)

    it('tells the app to use dev login in dev mode, to anyone, whatever the query', async () => {
      for (const path of ['/api/auth/config', '/api/auth/config?mode=oidc&issuer=https://evil.example', '/api/auth/config?%zz']) {
        const res = await config(server.url, path)
        expect(res.status).toBe(200)
        expect(res.headers.get('cache-control')).toBe('no-cache')
        expect(await res.json()).toEqual({ mode: 'dev' })
      }
    })

    it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('answers %s with the JSON 404 and changes nothing', async (method) => {
      const res = await call('/api/auth/config', { method, json: { mode: 'oidc' } })
      expect(res.status).toBe(404)
      expect(await errorCode(res)).toBe('not-found')
      expect(await (await call('/api/auth/config')).json()).toEqual({ mode: 'dev' })
    })

    it('tells OpenID Connect settings with AUTH_MODE=jwt and AUTH_OIDC_*, external tokens without them', async () => {
      const jwtEnv = { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 's'.repeat(40) }
      // The IdP's keys are fetched on the first token, never here.
      const oidc = await startTestServer({
        AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'https://idp.example.com/realms/sales/certs',
        AUTH_JWT_ISSUER: 'https://idp.example.com/realms/sales', AUTH_JWT_AUDIENCE: 'https://crm.example.com/api',
        AUTH_OIDC_ISSUER: 'https://idp.example.com/realms/sales', AUTH_OIDC_CLIENT_ID: 'crm-app', AUTH_OIDC_RESOURCE: 'https://crm.example.com/api',
      })
      const external = await startTestServer(jwtEnv)
      try {
        expect(await (await config(oidc.url)).json()).toEqual({
          mode: 'oidc', issuer: 'https://idp.example.com/realms/sales', clientId: 'crm-app', scope: 'openid profile offline_access', resource: 'https://crm.example.com/api',
        })
        // No token needed, and a bad one is no reason to refuse.
        expect((await config(oidc.url, '/api/auth/config', { headers: { authorization: 'Bearer abc.def.ghi' } })).status).toBe(200)
        expect(await (await config(external.url)).json()).toEqual({ mode: 'external' })
      } finally {
        await Promise.all([oidc.dispose(), external.dispose()])
      }
    })
  })

  describe('books and members', () => {
    it('lists the caller\'s books with roles', async () => {
      const { books } = (await (await call('/api/books', { token: dave })).json()) as { books: Array<{ id: string; role: string }> }
      expect(books.map((b) => [b.id, b.role])).toEqual([['key-accounts', 'viewer'], ['north-territory', 'viewer']])
    })

    it('creates a book owned by its creator; owners manage members', async () => {
      const created = await call('/api/books', { method: 'POST', token: bob, json: { id: 'bobs-book', name: 'Bob\'s book' } })
      expect(created.status).toBe(201)
      expect(await created.json()).toMatchObject({ id: 'bobs-book', role: 'owner', createdBy: 'bob' })
      expect((await call('/api/books', { method: 'POST', token: bob, json: { id: 'bobs-book', name: 'again' } })).status).toBe(409)

      expect((await call('/api/books/bobs-book/members/alice', { method: 'PUT', token: alice, json: { role: 'editor' } })).status).toBe(403)
      const put = await call('/api/books/bobs-book/members/alice', { method: 'PUT', token: bob, json: { role: 'editor' } })
      expect(put.status).toBe(200)
      expect((await call('/api/books/bobs-book/members/alice', { method: 'PUT', token: alice, json: { role: 'owner' } })).status).toBe(403)
      const members = (await (await call('/api/books/bobs-book/members', { token: alice })).json()) as { members: unknown[] }
      expect(members.members).toEqual(expect.arrayContaining([{ userId: 'bob', role: 'owner' }, { userId: 'alice', role: 'editor' }]))
      expect((await call('/api/books/bobs-book/members/bob', { method: 'DELETE', token: bob })).status).toBe(409)
      expect((await call('/api/books/bobs-book/members/alice', { method: 'DELETE', token: bob })).status).toBe(204)

      const c = connectProvider(server.wsUrl, 'bobs-book', bob)
      await whenSynced(c)
      expect(c.doc.getMap('book').toJSON()).toMatchObject({ name: 'Bob\'s book', schemaVersion: 1 })
      c.destroy()
    })

    it('keeps a book\'s last owner: no demoting them, by themselves or after a hand-over', async () => {
      expect((await call('/api/books', { method: 'POST', token: bob, json: { id: 'owned-book', name: 'Owned' } })).status).toBe(201)
      const members = async () => ((await (await call('/api/books/owned-book/members', { token: bob })).json()) as { members: unknown[] }).members
      for (const role of ['editor', 'viewer']) {
        const res = await call('/api/books/owned-book/members/bob', { method: 'PUT', token: bob, json: { role } })
        expect(res.status).toBe(409)
        expect(await errorCode(res)).toBe('last-owner')
      }
      expect(await members()).toEqual([{ userId: 'bob', role: 'owner' }])
      expect((await call('/api/books/owned-book/members/bob', { method: 'PUT', token: bob, json: { role: 'owner' } })).status).toBe(200)

      // Once another owner exists, either may step down, but not both.
      expect((await call('/api/books/owned-book/members/alice', { method: 'PUT', token: bob, json: { role: 'owner' } })).status).toBe(200)
      expect((await call('/api/books/owned-book/members/bob', { method: 'PUT', token: alice, json: { role: 'editor' } })).status).toBe(200)
      const last = await call('/api/books/owned-book/members/alice', { method: 'PUT', token: alice, json: { role: 'viewer' } })
      expect(last.status).toBe(409)
      expect(await errorCode(last)).toBe('last-owner')
      expect(await members()).toEqual([{ userId: 'alice', role: 'owner' }, { userId: 'bob', role: 'editor' }])
    })

    it('reads a book for its members only', async () => {
      const read = await call('/api/books/north-territory', { token: dave })
      expect(read.status).toBe(200)
      expect(await read.json()).toMatchObject({ id: 'north-territory', role: 'viewer', createdBy: 'alice' })
      const anonymous = await call('/api/books/north-territory')
      expect(anonymous.status).toBe(401)
      expect(await errorCode(anonymous)).toBe('no-token')
    })

    // Unknown and malformed ids answer as non-membership does, so an answer never tells which books exist.
    it.each([
      ['a non-member', 'mallory', 'north-territory'],
      ['an unknown book', 'alice', 'no-such-book'],
      ['a path-traversal id', 'alice', '%2e%2e%2fetc'],
      ['an over-long id', 'alice', 'b'.repeat(300)],
      ['an id with a space', 'alice', 'north%20territory'],
    ])('refuses a book read for %s with 403', async (_what, who, bookId) => {
      const res = await call(`/api/books/${bookId}`, { token: await server.token(who) })
      expect(res.status).toBe(403)
      expect(await errorCode(res)).toBe('not-member')
    })

    it('lists a book\'s members to its members only', async () => {
      const res = await call('/api/books/north-territory/members', { token: await server.token('mallory') })
      expect(res.status).toBe(403)
      expect(await errorCode(res)).toBe('not-member')
      expect((await call('/api/books/north-territory/members')).status).toBe(401)
    })

    it('lets only owners remove members, and checks the user id', async () => {
      const before = await (await call('/api/books/north-territory/members', { token: alice })).json()
      const byEditor = await call('/api/books/north-territory/members/dave', { method: 'DELETE', token: bob })
      expect(byEditor.status).toBe(403)
      expect(await errorCode(byEditor)).toBe('not-owner')
      const byViewer = await call('/api/books/north-territory/members/bob', { method: 'DELETE', token: dave })
      expect(byViewer.status).toBe(403)
      const malformed = await call('/api/books/north-territory/members/bad%20user', { method: 'DELETE', token: alice })
      expect(malformed.status).toBe(400)
      expect(await errorCode(malformed)).toBe('invalid-user')
      expect(await (await call('/api/books/north-territory/members', { token: alice })).json()).toEqual(before)
    })

    it.each([
      ['no token', {}, 401],
      ['a bad token', { token: 'abc.def.ghi' }, 401],
    ])('refuses %s', async (_what, auth, status) => {
      expect((await call('/api/books', auth)).status).toBe(status)
      expect((await call('/api/books', { method: 'POST', ...auth, json: { id: 'x', name: 'x' } })).status).toBe(status)
    })

    it.each([
      ['a bad id', { id: '../etc', name: 'x' }],
      ['a missing name', { id: 'ok-id' }],
      ['an empty name', { id: 'ok-id', name: '   ' }],
    ])('refuses to create a book with %s', async (_what, json) => {
      const res = await call('/api/books', { method: 'POST', token: alice, json })
      expect(res.status).toBe(400)
    })

    it('refuses bad roles and bad user ids', async () => {
      expect((await call('/api/books/bobs-book/members/carol', { method: 'PUT', token: bob, json: { role: 'admin' } })).status).toBe(400)
      expect((await call('/api/books/bobs-book/members/bad%20user', { method: 'PUT', token: bob, json: { role: 'viewer' } })).status).toBe(400)
    })
  })

  describe('customers', () => {
    const BOOK = 'north-territory'
    let customerId = ''

    it('compresses book reads for clients that accept gzip', async () => {
      const res = await call(`/api/books/${BOOK}/customers`, { token: dave, headers: { 'accept-encoding': 'gzip' } })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-encoding')).toBe('gzip')
      expect(((await res.json()) as { customers: unknown[] }).customers.length).toBeGreaterThan(20)
    })

    it('lists and reads customers', async () => {
      const { customers } = (await (await call(`/api/books/${BOOK}/customers`, { token: dave })).json()) as { customers: Array<{ id: string; name: string }> }
      expect(customers.length).toBeGreaterThan(20)
      customerId = customers[0]!.id
      const one = await call(`/api/books/${BOOK}/customers/${customerId}`, { token: dave })
      expect(await one.json()).toMatchObject({ id: customerId, name: customers[0]!.name })
      expect((await call(`/api/books/${BOOK}/customers/nope`, { token: dave })).status).toBe(404)
    })

    it('names the document state the list was read from (X-Book-State-Vector)', async () => {
      const res = await call(`/api/books/${BOOK}/customers?includeArchived=1`, { token: dave, headers: { 'accept-encoding': 'gzip' } })
      expect(res.status).toBe(200)
      const stateVector = decodeStateVectorHeader(res.headers.get(BOOK_STATE_VECTOR_HEADER))
      expect(stateVector).not.toBeNull()
      const { customers } = (await res.json()) as { customers: unknown[] }
      const stored = await storedDoc(BOOK)
      expect(Y.decodeStateVector(stateVector!)).toEqual(Y.decodeStateVector(Y.encodeStateVector(stored)))
      expect(customers).toEqual(readCustomers(stored, { includeArchived: true }))
    })

    it('refuses the list, and names no state, to non-members and anonymous callers', async () => {
      const mallory = await server.token('mallory')
      for (const res of [await call(`/api/books/${BOOK}/customers`, { token: mallory }), await call(`/api/books/${BOOK}/customers`)]) {
        expect([401, 403]).toContain(res.status)
        expect(res.headers.get(BOOK_STATE_VECTOR_HEADER)).toBeNull()
      }
    })

    it('applies a PATCH as a CRDT update that connected clients receive', async () => {
      const c = connectProvider(server.wsUrl, BOOK, alice)
      await whenSynced(c)
      const res = await call(`/api/books/${BOOK}/customers/${customerId}`, {
        method: 'PATCH', token: bob,
        json: { email: '  Sales@Example.COM ', phone: '+1 (415) 555-2671', address: { country: 'Germany' }, tags: ['vip'], notes: 'Called on Monday' },
      })
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ email: 'sales@example.com', phone: '+14155552671', address: { country: 'DE' }, tags: ['vip'], notes: 'Called on Monday' })
      await waitFor(() => readCustomer(c.doc, customerId)?.email === 'sales@example.com', 5000, 'patch broadcast')
      c.destroy()
      const stored = await server.persistence.docStore.readSince(BOOK, 0)
      expect(stored.at(-1)?.userId).toBe('bob')
    })

    it('creates a customer over HTTP', async () => {
      const res = await call(`/api/books/${BOOK}/customers`, { method: 'POST', token: alice, json: { name: 'Via REST Ltd', email: 'hi@rest.example' } })
      expect(res.status).toBe(201)
      expect(await res.json()).toMatchObject({ name: 'Via REST Ltd', email: 'hi@rest.example', createdBy: 'alice' })
      const bad = await call(`/api/books/${BOOK}/customers`, { method: 'POST', token: alice, json: { email: 'no-name@example.com' } })
      expect(bad.status).toBe(400)
    })

    it('sends every answer with its own length, whichever answered before it', async () => {
      const created = await call(`/api/books/${BOOK}/customers`, { method: 'POST', token: alice, json: { name: 'A much longer name, Limited', notes: 'n'.repeat(300) } })
      const { id } = (await created.json()) as { id: string }
      for (const cid of [id, customerId, id, customerId]) {
        const res = await call(`/api/books/${BOOK}/customers/${cid}`, { token: alice })
        expect(res.status).toBe(200)
        const bytes = await res.arrayBuffer()
        expect(Number(res.headers.get('content-length') ?? bytes.byteLength)).toBe(bytes.byteLength)
        expect(JSON.parse(new TextDecoder().decode(bytes))).toMatchObject({ id: cid })
      }
      const patched = await call(`/api/books/${BOOK}/customers/${id}`, { method: 'PATCH', token: alice, json: { industry: 'Glass' } })
      expect(patched.status).toBe(200)
      const bytes = await patched.arrayBuffer()
      expect(Number(patched.headers.get('content-length') ?? bytes.byteLength)).toBe(bytes.byteLength)
      expect(JSON.parse(new TextDecoder().decode(bytes))).toMatchObject({ id, industry: 'Glass' })
    })

    it.each([
      ['an invalid email', { email: 'not an email' }, 400, 'invalid-body'],
      ['an invalid phone', { phone: '12' }, 400, 'invalid-body'],
      ['an unknown field', { colour: 'red' }, 400, 'invalid-body'],
      ['a non-patchable field', { id: 'other' }, 400, 'invalid-body'],
      ['a wrong type', { name: 42 }, 400, 'invalid-body'],
      ['an oversized body', { notes: 'n'.repeat(10_000) }, 413, 'body-too-large'],
    ])('refuses a PATCH with %s and changes nothing', async (_what, json, status, code) => {
      const before = await (await call(`/api/books/${BOOK}/customers/${customerId}`, { token: alice })).json()
      const res = await call(`/api/books/${BOOK}/customers/${customerId}`, { method: 'PATCH', token: alice, json })
      expect(res.status).toBe(status)
      expect(await errorCode(res)).toBe(code)
      expect(await (await call(`/api/books/${BOOK}/customers/${customerId}`, { token: alice })).json()).toEqual(before)
    })

    it.each([
      ['no token', null, { json: { name: 'Anonymous Ltd' } }, 401, 'no-token'],
      ['a viewer', 'dave', { json: { name: 'Viewer Ltd' } }, 403, 'read-only'],
      ['a non-member', 'mallory', { json: { name: 'Outsider Ltd' } }, 403, 'not-member'],
      ['broken JSON', 'alice', { body: '{"name":', headers: { 'content-type': 'application/json' } }, 400, 'invalid-json'],
      ['an oversized body', 'alice', { json: { name: 'Oversized Ltd', notes: 'n'.repeat(10_000) } }, 413, 'body-too-large'],
    ])('refuses to create a customer with %s and creates nothing', async (_what, who, init, status, code) => {
      const count = async () => ((await (await call(`/api/books/${BOOK}/customers?includeArchived=1`, { token: alice })).json()) as { customers: unknown[] }).customers.length
      const before = await count()
      const res = await call(`/api/books/${BOOK}/customers`, { method: 'POST', ...(who ? { token: await server.token(who) } : {}), ...init })
      expect(res.status).toBe(status)
      expect(await errorCode(res)).toBe(code)
      expect(await count()).toBe(before)
    })

    // Only the import upload itself (POST /api/books/:id/import) streams past the general limit.
    it.each([
      ['PATCH', `/api/books/${BOOK}/customers/import`, { notes: 'n'.repeat(10_000) }],
      ['PUT', `/api/books/${BOOK}/members/import`, { role: 'viewer', padding: 'p'.repeat(10_000) }],
    ])('limits the body of a %s to %s like any other', async (method, path, json) => {
      const res = await call(path, { method, token: alice, json })
      expect(res.status).toBe(413)
      expect(await errorCode(res)).toBe('body-too-large')
      const { members } = (await (await call(`/api/books/${BOOK}/members`, { token: alice })).json()) as { members: Array<{ userId: string }> }
      expect(members.map((m) => m.userId)).not.toContain('import')
    })

    it('refuses writes from viewers and access from non-members', async () => {
      const patch = await call(`/api/books/${BOOK}/customers/${customerId}`, { method: 'PATCH', token: dave, json: { name: 'Hacked' } })
      expect(patch.status).toBe(403)
      expect(await errorCode(patch)).toBe('read-only')
      const mallory = await server.token('mallory')
      expect((await call(`/api/books/${BOOK}/customers`, { token: mallory })).status).toBe(403)
      expect((await call(`/api/books/${BOOK}/customers/${customerId}`, { token: mallory })).status).toBe(403)
      expect((await call(`/api/books/unknown-book/customers`, { token: alice })).status).toBe(403)
      expect((await call(`/api/books/${BOOK}/customers`)).status).toBe(401)
    })
  })
})
