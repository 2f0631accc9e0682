// BookSession against the real relay (`npm start` in a child process: the client project's
// transform does not suit the server's code; fake-indexeddb; the ws class as the WebSocket): on a
// device with nothing stored the session stays read-only until the document holds the book,
// rather than switching to the empty document the instant load gives; with something stored it
// becomes editable once loaded, as before; and only once the user's role allows it.
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { spawnServer, type ChildServer } from '../../../server/src/testing/child-server'
import { BookSession, type BookSessionOptions } from './book-session'

describe('BookSession', () => {
  let server: ChildServer
  let dataDir = ''
  let url = ''
  const token = async (user: string): Promise<string> => {
    const res = await fetch(`${url}/api/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) })
    return ((await res.json()) as { token: string }).token
  }
  const globals = globalThis as { WebSocket?: unknown; indexedDB?: unknown }
  const nativeWebSocket = globals.WebSocket
  beforeAll(async () => {
    globals.WebSocket = WebSocket
    dataDir = await mkdtemp(join(tmpdir(), 'crm-sync-client-test-'))
    server = await spawnServer({ DATA_DIR: dataDir, BOOK_UNLOAD_GRACE_MS: '0' })
    url = `http://127.0.0.1:${server.port}`
  })
  beforeEach(() => {
    globals.indexedDB = new IDBFactory() // a fresh device per test
  })
  afterAll(async () => {
    globals.WebSocket = nativeWebSocket
    server.child.kill()
    await server.exited
    await rm(dataDir, { recursive: true, force: true })
  })

  const open = (bookId: string, extra: Partial<BookSessionOptions> = {}) =>
    new BookSession({
      bookId,
      bookName: null,
      role: 'editor',
      session: { userId: 'alice', name: 'Alice', token: '' },
      getToken: () => token('alice'),
      serverUrl: `ws://127.0.0.1:${server.port}/sync`,
      httpUrl: url,
      online: true,
      storage: null,
      draftStorage: null,
      ...extra,
    })

  it('on a fresh device stays read-only past the empty load, until the document holds the book', async () => {
    const session = open('north-territory')
    await session.handle.whenLoaded
    expect(session.loaded).toBe(false)
    expect(session.editable).toBe(false)
    // The relay's list, or the synced document if the first sync came first (sync-client tests both).
    expect(['projection', 'document']).toContain(await session.handle.whenReadable)
    await session.whenDocument
    expect(session.loaded).toBe(true)
    expect(session.editable).toBe(true)
    expect(session.projectionSource).toBeNull()
    expect(session.index.source).toBe('document')
    expect(session.handle.customers.list().length).toBeGreaterThan(20)
    const first = session.handle.customers.list()[0]!
    expect(session.customer(first.id)).toEqual(first)
    await session.handle.whenSynced()
    await session.close()

    // Stored now: the next session is editable as soon as the stored document is loaded.
    const again = open('north-territory')
    await again.handle.whenLoaded
    await again.whenDocument
    expect(again.editable).toBe(true)
    await again.close()
  })

  it('without an HTTP API follows the document once loaded, as before', async () => {
    const session = open('key-accounts', { httpUrl: null })
    expect(await session.handle.whenReadable).toBe('document')
    await session.whenDocument
    expect(session.loaded).toBe(true)
    await session.close()
  })

  it('closed while waiting for the first sync: never follows the document', async () => {
    const session = open('key-accounts')
    await session.handle.whenLoaded // no network round trip can have completed yet
    await session.close()
    await session.whenDocument
    expect(session.loaded).toBe(false)
  })

  it('with the role not known yet is read-only, and follows the role when it arrives or changes', async () => {
    const session = open('north-territory', { role: null })
    await session.whenDocument
    expect(session.loaded).toBe(true)
    expect(session.readOnly).toBe(true)
    expect(session.editable).toBe(false)
    const changes: boolean[] = []
    session.onRoleChange(() => changes.push(session.editable))
    session.setRole('editor')
    session.setRole('editor') // the same role again is no change
    session.setRole('viewer')
    expect(changes).toEqual([true, false])
    expect(session.readOnly).toBe(true)
    await session.close()
  })
})
