// Two devices edit one customer while offline, then reconnect through the real relay: they
// converge, edits to different fields all survive, the same field resolves identically, and
// concurrent typing into the notes keeps both insertions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCustomer } from '@crm-sync/model'
import { customersJson, makeDevice, startTestServer, storedDoc, waitFor, type TestServer } from './test-support'

describe('two devices, one customer, offline edits', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.dispose()
  })

  it('converge on reconnect without losing any field', async () => {
    const alice = makeDevice(server, 'alice')
    const bob = makeDevice(server, 'bob')
    let a = alice.open()
    let b = bob.open()
    await Promise.all([a.whenSynced(), b.whenSynced()])
    const id = a.customers.create({ name: 'Shared Customer BV', notes: 'Base notes.' })
    await waitFor(() => b.customers.read(id) !== null, 5000, 'bob sees the customer')
    await Promise.all([a.whenSynced(), b.whenSynced()])

    a.disconnect()
    b.disconnect()
    // Different fields.
    a.customers.set(id, 'email', 'alice@shared.example')
    b.customers.set(id, 'phone', '+31201234567')
    a.customers.patch(id, { address: { city: 'Utrecht' } })
    b.customers.patch(id, { address: { postalCode: '3511' } })
    // The same field.
    a.customers.set(id, 'status', 'prospect')
    b.customers.set(id, 'status', 'customer')
    a.customers.set(id, 'industry', 'Retail')
    b.customers.set(id, 'industry', 'Wholesale')
    // Notes, concurrently.
    a.customers.editNotes(id, 0, 0, '[A] ')
    b.customers.editNotes(id, 'Base notes.'.length, 0, ' [B]')
    a.customers.editNotes(id, 4, 0, 'alice ')

    // Close and reopen both before reconnecting: the offline edits come from IndexedDB.
    await Promise.all([a.close(), b.close()])
    a = alice.open()
    b = bob.open()
    await Promise.all([a.whenSynced(), b.whenSynced()])
    await waitFor(() => customersJson(a.doc) === customersJson(b.doc), 5000, 'convergence')

    const ca = readCustomer(a.doc, id)!
    const cb = readCustomer(b.doc, id)!
    expect(ca).toEqual(cb)
    expect(ca).toMatchObject({ email: 'alice@shared.example', phone: '+31201234567' })
    expect(ca.address).toMatchObject({ city: 'Utrecht', postalCode: '3511' })
    expect(['prospect', 'customer']).toContain(ca.status)
    expect(['Retail', 'Wholesale']).toContain(ca.industry)
    expect(ca.notes).toContain('[A] ')
    expect(ca.notes).toContain('alice ')
    expect(ca.notes).toContain(' [B]')
    expect(ca.notes).toBe('[A] alice Base notes. [B]')
    // The relay stored the same.
    expect(readCustomer(await storedDoc(server), id)).toEqual(ca)
    expect(a.status.pendingLocal + b.status.pendingLocal).toBe(0)
    await Promise.all([a.close(), b.close()])
  })
})
