// The embedded bridge gets over failing to open or to scan a book, end to end: a book whose first
// open failed is compared whole with the CRM once it opens (customers made before the bridge
// followed it are pushed), and a book changed unseen (a dormant big book's tail) whose scan failed
// is scanned again and its edit pushed. Real relay, real SQLite files, the emulator through the
// official SDK; the failures are injected once into the relay's rooms and the bridge's state.
import { afterEach, describe, expect, it } from 'vitest'
import { createCustomer, setCustomerField } from '@crm-sync/model'
import { asleepThroughStatus, eventually, makeBookBig, startBridgeRig, type BridgeRig } from './bridge-test-kit'

describe('bridge book failures', () => {
  let rig: BridgeRig
  afterEach(async () => {
    await rig?.dispose()
  })
  const api = async (method: 'POST' | 'PUT', path: string, body: unknown) => {
    const res = await fetch(`${rig.server.url}/api/books${path}`, {
      method,
      headers: { authorization: `Bearer ${await rig.server.token('alice')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(res.status).toBeLessThan(300)
  }

  it('compares a book with the CRM once it opens when its first open failed', async () => {
    const BOOK = 'late-territory'
    rig = await startBridgeRig()
    await rig.settle()
    // Customers made before the bridge may edit the book: no observer of the bridge saw them.
    await api('POST', '', { id: BOOK, name: 'Late territory' })
    const alice = await rig.client(BOOK, 'alice')
    const id = createCustomer(alice.doc, { name: 'Made before the bridge came' }, { by: 'alice' })
    await eventually(() => rig.server.rooms.peek(BOOK)?.doc.getMap('customers').has(id) === true, 5_000, 'the customer at the relay')
    // The bridge's first open of the book fails: its room cannot be taken, once.
    const rooms = rig.server.rooms
    const acquire = rooms.acquire.bind(rooms)
    let failedOpens = 0
    rooms.acquire = async (bookId: string) => {
      if (bookId === BOOK && failedOpens++ === 0) throw new Error('store unavailable')
      return acquire(bookId)
    }
    await api('PUT', `/${BOOK}/members/crm-bridge`, { role: 'editor' })
    await eventually(() => rig.companiesByRecordId().get(id)?.['name'] === 'Made before the bridge came', 15_000, 'the customer in the CRM')
    expect(failedOpens).toBeGreaterThan(1)
    expect((await rig.service().status()).books).toContain(BOOK)
  })

  it('scans a book changed unseen again after its scan failed, and pushes the edit', async () => {
    const BOOK = 'north-territory'
    rig = await startBridgeRig({ env: { BOOK_HIBERNATE_MS: '300' }, prepare: (server) => makeBookBig(server, BOOK) })
    await rig.settle()
    const alice = await rig.client(BOOK, 'alice')
    await asleepThroughStatus(rig, BOOK) // so the edit lands in its tail
    // The first scan of the book reads its records' state from a store that fails, once: armed
    // when the book falls due, so that nothing else (the status figures) meets the failure.
    const service = rig.service()
    const unseen = service['unseen']
    const state = service['o'].state
    const takeDue = unseen.takeDue.bind(unseen)
    const listSummaries = state.listSummaries.bind(state)
    let armed = false
    let failedScans = 0
    unseen.takeDue = (now: number) => {
      const due = takeDue(now)
      if (failedScans === 0 && due.some((b) => b.bookId === BOOK)) armed = true
      return due
    }
    state.listSummaries = async (filter) => {
      if (armed && filter?.bookId === BOOK) {
        armed = false
        failedScans++
        throw new Error('state store unavailable')
      }
      return listSummaries(filter)
    }
    const [, id] = [...alice.doc.getMap('customers').keys()]
    setCustomerField(alice.doc, id!, 'industry', 'After a failed scan')
    await eventually(() => failedScans === 1, 15_000, 'the scan failed')
    await eventually(() => rig.companiesByRecordId().get(id!)?.['industry'] === 'After a failed scan', 15_000, 'the edit in the CRM')
  })
})
