// Who may connect, and what a viewer may not do: every refusal closes or refuses with a named
// code, stores nothing and broadcasts nothing.
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CLOSE_CODE, MESSAGE_TYPE, decodeMessage, encodeSyncStep2, encodeUpdate } from '@crm-sync/protocol'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, connectRaw, waitFor, whenSynced } from '../testing/ws-clients'

const BOOK = 'north-territory'

const updateSetting = (key: string): Uint8Array => {
  const doc = new Y.Doc()
  doc.getMap('customers').set(key, new Y.Map())
  return Y.encodeStateAsUpdate(doc)
}

const storedContains = async (server: TestServer, key: string): Promise<boolean> => {
  const loaded = await server.persistence.docStore.load(BOOK)
  const doc = new Y.Doc()
  if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot)
  for (const u of loaded.updates) Y.applyUpdate(doc, u.update)
  return doc.getMap('customers').has(key)
}

describe('relay access control', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.dispose()
  })

  const closeCodeFor = async (path: string, headers: Record<string, string> = {}) => {
    const raw = await connectRaw(`${server.wsUrl}/${path}`, headers)
    return (await raw.closed).code
  }

  it('closes 4401 without a token, with a bad signature, and with an expired token', async () => {
    expect(await closeCodeFor(BOOK)).toBe(CLOSE_CODE.notAuthenticated)
    const forged = await new SignJWT({ name: 'alice' }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice')
      .setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(40)))
    expect(await closeCodeFor(`${BOOK}?token=${forged}`)).toBe(CLOSE_CODE.notAuthenticated)
    const expired = await server.tokens.issue({ userId: 'alice', name: 'alice' }, -60)
    expect(await closeCodeFor(`${BOOK}?token=${expired}`)).toBe(CLOSE_CODE.notAuthenticated)
    expect(await closeCodeFor(BOOK, { authorization: 'Bearer not-a-jwt' })).toBe(CLOSE_CODE.notAuthenticated)
  })

  it('accepts the token as header, cookie or query parameter', async () => {
    const token = await server.token('alice')
    for (const [path, headers] of [
      [BOOK, { authorization: `Bearer ${token}` }],
      [BOOK, { cookie: `other=1; crm_token=${token}` }],
      [`${BOOK}?token=${token}`, {}],
    ] as const) {
      const raw = await connectRaw(`${server.wsUrl}/${path}`, headers)
      await waitFor(() => raw.frames.length > 0, 5000, 'sync step 1 from the server')
      expect(decodeMessage(raw.frames[0]!)).toMatchObject({ type: 'sync', step: 0 })
      raw.close()
    }
  })

  it('closes 4403 for non-members and unknown books, 4400 for bad book ids', async () => {
    const mallory = await server.token('mallory')
    expect(await closeCodeFor(`${BOOK}?token=${mallory}`)).toBe(CLOSE_CODE.notMember)
    const alice = await server.token('alice')
    expect(await closeCodeFor(`no-such-book?token=${alice}`)).toBe(CLOSE_CODE.notMember)
    expect(await closeCodeFor(`bad%20id?token=${alice}`)).toBe(CLOSE_CODE.malformed)
    expect(await closeCodeFor(`${'x'.repeat(200)}?token=${alice}`)).toBe(CLOSE_CODE.malformed)
  })

  it('refuses a viewer\'s writes by update and by sync step 2: not applied, stored or broadcast', async () => {
    const editor = connectProvider(server.wsUrl, BOOK, await server.token('alice'))
    await whenSynced(editor)
    const viewer = await connectRaw(`${server.wsUrl}/${BOOK}?ack=1&token=${await server.token('dave')}`)
    await waitFor(() => viewer.frames.length > 0, 5000, 'viewer greeted')

    viewer.send(encodeUpdate(updateSetting('viewer-update')))
    viewer.send(encodeSyncStep2(updateSetting('viewer-step2')))
    await waitFor(() => viewer.frames.filter((f) => f[0] === MESSAGE_TYPE.error).length === 2, 5000, 'two refusals')
    const messages = viewer.frames.map((f) => decodeMessage(f))
    expect(messages.filter((m) => m.type === 'auth')).toHaveLength(2)
    expect(messages.find((m) => m.type === 'error')).toMatchObject({ code: 'read-only', frame: 1 })
    expect(messages.filter((m) => m.type === 'ack').at(-1)).toMatchObject({ frames: 2 })

    // A later editor write arrives, proving the refused ones were not merely slow.
    const marker = updateSetting('editor-marker')
    const editorRaw = await connectRaw(`${server.wsUrl}/${BOOK}?token=${await server.token('bob')}`)
    editorRaw.send(encodeUpdate(marker))
    await waitFor(() => editor.doc.getMap('customers').has('editor-marker'), 5000, 'editor write broadcast')
    expect(editor.doc.getMap('customers').has('viewer-update')).toBe(false)
    expect(editor.doc.getMap('customers').has('viewer-step2')).toBe(false)
    expect(await storedContains(server, 'viewer-update')).toBe(false)
    expect(await storedContains(server, 'viewer-step2')).toBe(false)
    expect(viewer.ws.readyState).toBe(viewer.ws.OPEN)
    viewer.close()
    editorRaw.close()
    editor.destroy()
  })

  it('still serves the book to a viewer', async () => {
    const viewer = connectProvider(server.wsUrl, BOOK, await server.token('dave'))
    await whenSynced(viewer)
    expect(viewer.doc.getMap('book').get('name')).toBe('North territory')
    viewer.destroy()
  })
})
