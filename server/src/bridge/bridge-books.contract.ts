// What every BridgeBooks must do (run by book-registry.test.ts and relay-books.test.ts against a
// real server with the demo books): open a book in step with the relay, write as crm-bridge
// durably and visibly to other clients, report others' changes but never its own; let a book it is
// done with sleep, and still hear of every edit made while it sleeps, a dormant big book's tail
// included (as the record changed, or the book changed unseen).
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addActivity, readCustomer } from '@crm-sync/model'
import { startTestServer, type TestServer } from '../testing/test-server'
import { connectProvider, waitFor, whenSynced, type ProviderClient } from '../testing/ws-clients'
import type { BridgeBooks, BridgeBooksOptions, ChangedRecord } from './bridge-books'

const BOOK = 'north-territory' // demo book: alice owns it, crm-bridge edits it

/**
 * `letGo` tells the bridge it is done with its books for now (what time does in service: RelayBooks
 * lets go `keepAwakeMs` after its last use).
 */
export function runBridgeBooksContract(
  name: string,
  make: (server: TestServer, o: BridgeBooksOptions) => BridgeBooks,
  letGo: (books: BridgeBooks) => void = () => {},
): void {
  describe(`BridgeBooks contract: ${name}`, () => {
    let server: TestServer
    let books: BridgeBooks
    let changes: ChangedRecord[]
    let unseen: string[]
    const clients: ProviderClient[] = []

    beforeEach(async () => {
      server = await startTestServer()
      changes = []
      unseen = []
      books = make(server, { log: pino({ level: 'silent' }), onChange: (c) => changes.push(...c), onUnseen: (b) => unseen.push(b) })
    })
    afterEach(async () => {
      for (const c of clients.splice(0)) c.destroy()
      await books.close()
      await server.dispose()
    })

    const client = async (user = 'alice'): Promise<ProviderClient> => {
      const c = connectProvider(server.wsUrl, BOOK, await server.token(user))
      clients.push(c)
      await whenSynced(c)
      return c
    }
    const firstCustomerId = (doc: Y.Doc): string => [...doc.getMap('customers').keys()][0]!

    it('opens a book holding what the relay holds', async () => {
      const alice = await client()
      const id = firstCustomerId(alice.doc)
      alice.doc.transact(() => (alice.doc.getMap('customers').get(id) as Y.Map<unknown>).set('industry', 'Optics'))
      await waitFor(() => alice.provider.synced)
      await books.open(BOOK)
      const doc = await books.doc(BOOK)
      await waitFor(() => readCustomer(doc, id)?.industry === 'Optics', 5_000, 'the client edit in the bridge document')
      expect(doc.getMap('customers').size).toBe(alice.doc.getMap('customers').size)
    })

    it('writes as crm-bridge, durably, and other clients see it', async () => {
      const alice = await client()
      const id = firstCustomerId(alice.doc)
      await books.write(BOOK, (doc) => (doc.getMap('customers').get(id) as Y.Map<unknown>).set('industry', 'Bridges'))
      expect(await books.flushed(BOOK, 5_000)).toBe(true)
      await waitFor(() => readCustomer(alice.doc, id)?.industry === 'Bridges', 5_000, 'the bridge write at the client')
      const log = await server.persistence.docStore.readSince(BOOK, 0)
      const last = log[log.length - 1]!
      expect(last.userId).toBe('crm-bridge')
      const replay = new Y.Doc()
      const loaded = await server.persistence.docStore.load(BOOK)
      if (loaded.snapshot) Y.applyUpdate(replay, loaded.snapshot)
      for (const u of loaded.updates) Y.applyUpdate(replay, u.update)
      expect(readCustomer(replay, id)?.industry).toBe('Bridges')
    })

    it('reports the records others change, never its own writes', async () => {
      const alice = await client()
      const [a, b] = [...alice.doc.getMap('customers').keys()] as [string, string]
      await books.open(BOOK)
      await books.write(BOOK, (doc) => (doc.getMap('customers').get(a) as Y.Map<unknown>).set('industry', 'Ours'))
      expect(await books.flushed(BOOK, 5_000)).toBe(true)
      alice.doc.transact(() => (alice.doc.getMap('customers').get(b) as Y.Map<unknown>).set('industry', 'Theirs'))
      await waitFor(() => changes.some((c) => c.crdtId === b), 5_000, 'the client change reported')
      expect(changes.filter((c) => c.crdtId === a)).toEqual([])
      expect(changes.find((c) => c.crdtId === b)).toEqual({ bookId: BOOK, kind: 'company', crdtId: b, parentId: null })
    })

    /** Sweeps until the relay's room of the book is dormant (a sweep finds it busy while a write or compaction runs). */
    const asleep = async (): Promise<void> =>
      waitFor(() => {
        server.rooms.hibernateIdle()
        return server.rooms.peek(BOOK)?.isDormant === true
      }, 15_000, 'the book asleep')
    const setIndustry = (doc: Y.Doc, id: string, industry: string) =>
      doc.transact(() => (doc.getMap('customers').get(id) as Y.Map<unknown>).set('industry', industry))

    it('lets a book it is done with sleep, and reports an edit made while it slept', async () => {
      const alice = await client()
      const [a, b] = [...alice.doc.getMap('customers').keys()] as [string, string]
      await books.open(BOOK)
      await books.write(BOOK, (doc) => setIndustry(doc, a, 'Ours'))
      expect(await books.flushed(BOOK, 5_000)).toBe(true)
      letGo(books)
      await asleep()
      setIndustry(alice.doc, b, 'While asleep')
      await waitFor(() => changes.some((c) => c.crdtId === b), 5_000, 'the edit made while asleep reported')
      expect(readCustomer(await books.doc(BOOK), b)?.industry).toBe('While asleep')
    })

    it('hears of an edit to a dormant big book, taken into its tail without waking it', async () => {
      const alice = await client()
      const [a, b] = [...alice.doc.getMap('customers').keys()] as [string, string]
      // 1.2 MB of call notes (activities are not bridged): past the 1 MiB from which a worker
      // encodes the book and a dormant one takes edits into its tail.
      for (let i = 0; i < 12; i++) addActivity(alice.doc, a, { kind: 'call', by: 'alice', text: `${i}`.repeat(100_000) })
      await waitFor(() => alice.provider.synced, 5_000, 'the notes stored')
      await books.open(BOOK)
      await books.doc(BOOK)
      letGo(books)
      await asleep()
      const room = server.rooms.peek(BOOK)!
      changes.length = 0
      setIndustry(alice.doc, b, 'In the tail')
      await waitFor(() => unseen.includes(BOOK) || changes.some((c) => c.crdtId === b), 5_000, 'the edit to the tail heard of')
      expect(room.isDormant).toBe(true)
      expect(server.rooms.peek(BOOK)).toBe(room)
      expect(readCustomer(await books.doc(BOOK), b)?.industry).toBe('In the tail')
    })

    it('is not flushed for a book it never opened, and refuses to open after close', async () => {
      expect(await books.flushed('key-accounts', 100)).toBe(false)
      await books.close()
      await expect(books.open(BOOK)).rejects.toThrow(/closed/)
    })
  })
}
