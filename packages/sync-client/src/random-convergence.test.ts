// Property: whatever 3-5 devices do to a book (random edits, disconnects, reconnects, reloads
// from IndexedDB) and even with one relay restart in the middle, once all are back online every
// device and the relay's durable store hold the same book.
// fast-check is not installed in this workspace (no npm install allowed here), so this is a
// seeded generator: each seed is one reproducible run; a failure names its seed.
import { afterEach, describe, expect, it } from 'vitest'
import type { CustomerStatus } from '@crm-sync/model'
import type { BookHandle } from './book-handle'
import { customersJson, makeDevice, seeded, sleep, startTestServer, storedDoc, waitFor, type Device, type TestServer } from './test-support'

const BOOK = 'key-accounts' // bob owner, alice and carol editors
const USERS = ['alice', 'bob', 'carol'] as const
const STATUSES: CustomerStatus[] = ['lead', 'prospect', 'customer', 'inactive']
const SEEDS = (process.env['SYNC_CLIENT_SEEDS'] ?? '11,23,37,41,59').split(',').map(Number)

interface Client {
  readonly device: Device
  handle: BookHandle
  online: boolean
}

describe('random edits, disconnects and a relay restart', () => {
  let server: TestServer | null = null
  const open: BookHandle[] = []
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((h) => h.close()))
    await server?.dispose()
    server = null
  })

  it.each(SEEDS)('seed %i: every device and the relay end identical', async (seed) => {
    const rng = seeded(seed)
    server = await startTestServer({ COMPACT_THRESHOLD: '25' })
    const port = server.port
    const dataDir = server.dataDir
    const tokenFor = (user: string) => () => server!.token(user)

    const count = rng.int(3, 5)
    const clients: Client[] = []
    for (let i = 0; i < count; i++) {
      const user = USERS[i % USERS.length]!
      const device = makeDevice(null, user)
      const opts = { bookId: BOOK, serverUrl: server.wsUrl, getToken: tokenFor(user) }
      const handle = device.open(opts)
      open.push(handle)
      clients.push({ device: { ...device, open: (o = {}) => device.open({ ...opts, ...o }) }, handle, online: true })
    }
    await Promise.all(clients.map((c) => c.handle.whenSynced()))

    const steps = 60
    const restartAt = rng.int(10, steps - 10)
    for (let step = 0; step < steps; step++) {
      if (step === restartAt) {
        await server.stop()
        await sleep(rng.int(0, 150))
        server = await startTestServer({ PORT: String(port), COMPACT_THRESHOLD: '25' }, dataDir)
      }
      const c = rng.pick(clients)
      const roll = rng.next()
      if (roll < 0.1) {
        if (c.online) c.handle.disconnect()
        else c.handle.connect()
        c.online = !c.online
      } else if (roll < 0.15) {
        await c.handle.close()
        c.handle = c.device.open({ connect: c.online })
        open.push(c.handle)
        await c.handle.whenLoaded
      } else {
        randomEdit(c.handle, rng)
      }
      if (rng.chance(0.5)) await sleep(rng.int(0, 25))
    }

    for (const c of clients) if (!c.online) c.handle.connect()
    await Promise.all(clients.map((c) => c.handle.whenSynced()))
    await waitFor(() => new Set(clients.map((c) => customersJson(c.handle.doc))).size === 1, 10_000, `convergence (seed ${seed})`)
    const relayState = await storedDoc(server, BOOK)
    expect(customersJson(relayState)).toBe(customersJson(clients[0]!.handle.doc))
    for (const c of clients) expect(c.handle.status).toMatchObject({ state: 'synced', pendingLocal: 0 })
  })
})

const randomEdit = (handle: BookHandle, rng: ReturnType<typeof seeded>): void => {
  const ids = [...handle.doc.getMap('customers').keys()]
  if (ids.length === 0 || rng.chance(0.08)) {
    handle.customers.create({ name: `Random ${rng.int(0, 1e6)} GmbH`, notes: 'n' })
    return
  }
  const id = rng.pick(ids)
  const op = rng.int(0, 6)
  if (op === 0) handle.customers.set(id, 'status', rng.pick(STATUSES))
  else if (op === 1) handle.customers.set(id, 'email', `x${rng.int(0, 999)}@random.example`)
  else if (op === 2) handle.customers.set(id, 'industry', rng.pick(['Retail', 'Energy', 'Logistics', null]))
  else if (op === 3) handle.customers.patch(id, { address: { city: rng.pick(['Oslo', 'Lyon', 'Graz']) } })
  else if (op === 4) {
    const notes = handle.customers.read(id)?.notes ?? ''
    const at = rng.int(0, notes.length)
    const del = rng.chance(0.3) ? Math.min(rng.int(0, 3), notes.length - at) : 0
    handle.customers.editNotes(id, at, del, rng.pick(['a', 'bc', ' ', 'xyz']))
  } else if (op === 5) handle.customers.addActivity(id, { kind: 'call', text: `call ${rng.int(0, 99)}` })
  else handle.customers.archive(id, rng.chance(0.5))
}
