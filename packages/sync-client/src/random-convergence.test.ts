// Property (fast-check): whatever 3-5 devices do to a book (random edits, disconnects,
// reconnects, reloads from IndexedDB) and even with one relay restart in the middle, once all
// are back online every device and the relay's durable store hold the same book.
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import type { CustomerStatus } from '@crm-sync/model'
import type { BookHandle } from './book-handle'
import { customersJson, makeDevice, sleep, startTestServer, storedDoc, waitFor, type Device, type TestServer } from './test-support'

const BOOK = 'key-accounts' // bob owner, alice and carol editors
const USERS = ['alice', 'bob', 'carol'] as const
const STATUSES: CustomerStatus[] = ['lead', 'prospect', 'customer', 'inactive']
const RUNS = Number(process.env['SYNC_CLIENT_RUNS'] ?? 5)

interface Client {
  readonly device: Device
  handle: BookHandle
  online: boolean
}

/** One step of a scenario; the numbers choose among what exists when the step runs. */
type Step =
  | { kind: 'toggle'; device: number; pause: number }
  | { kind: 'reload'; device: number; pause: number }
  | { kind: 'edit'; device: number; pause: number; op: number; a: number; b: number }

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('toggle' as const), device: fc.nat(4), pause: fc.nat(25) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reload' as const), device: fc.nat(4), pause: fc.nat(25) }) },
  { weight: 17, arbitrary: fc.record({ kind: fc.constant('edit' as const), device: fc.nat(4), pause: fc.nat(25), op: fc.nat(7), a: fc.nat(1_000_000), b: fc.nat(1_000_000) }) },
)

const scenarioArb = fc.record({
  devices: fc.integer({ min: 3, max: 5 }),
  steps: fc.array(stepArb, { minLength: 40, maxLength: 60 }),
  restartAt: fc.integer({ min: 10, max: 35 }),
  restartPause: fc.nat(150),
})

describe('random edits, disconnects and a relay restart', () => {
  let server: TestServer | null = null
  const open: BookHandle[] = []
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((h) => h.close()))
    await server?.dispose()
    server = null
  })

  const runScenario = async ({ devices, steps, restartAt, restartPause }: { devices: number; steps: Step[]; restartAt: number; restartPause: number }) => {
    await Promise.allSettled(open.splice(0).map((h) => h.close()))
    await server?.dispose()
    server = await startTestServer({ COMPACT_THRESHOLD: '25' })
    const port = server.port
    const dataDir = server.dataDir
    const tokenFor = (user: string) => () => server!.token(user)

    const clients: Client[] = []
    for (let i = 0; i < devices; i++) {
      const user = USERS[i % USERS.length]!
      const device = makeDevice(null, user)
      const opts = { bookId: BOOK, serverUrl: server.wsUrl, getToken: tokenFor(user) }
      const handle = device.open(opts)
      open.push(handle)
      clients.push({ device: { ...device, open: (o = {}) => device.open({ ...opts, ...o }) }, handle, online: true })
    }
    await Promise.all(clients.map((c) => c.handle.whenSynced()))

    for (const [n, step] of steps.entries()) {
      if (n === restartAt) {
        await server.stop()
        await sleep(restartPause)
        server = await startTestServer({ PORT: String(port), COMPACT_THRESHOLD: '25' }, dataDir)
      }
      const c = clients[step.device % clients.length]!
      if (step.kind === 'toggle') {
        if (c.online) c.handle.disconnect()
        else c.handle.connect()
        c.online = !c.online
      } else if (step.kind === 'reload') {
        await c.handle.close()
        c.handle = c.device.open({ connect: c.online })
        open.push(c.handle)
        await c.handle.whenLoaded
      } else {
        edit(c.handle, step)
      }
      if (step.pause > 12) await sleep(step.pause)
    }

    for (const c of clients) if (!c.online) c.handle.connect()
    await Promise.all(clients.map((c) => c.handle.whenSynced()))
    await waitFor(() => new Set(clients.map((c) => customersJson(c.handle.doc))).size === 1, 10_000, 'convergence')
    const relayState = await storedDoc(server, BOOK)
    expect(customersJson(relayState)).toBe(customersJson(clients[0]!.handle.doc))
    for (const c of clients) expect(c.handle.status).toMatchObject({ state: 'synced', pendingLocal: 0 })
  }

  it('every device and the relay end identical', async () => {
    // Each run starts a relay and several devices, so runs are few and a failure is reported
    // with its seed and path (replay with fc.assert's { seed, path }) rather than shrunk at length.
    await fc.assert(fc.asyncProperty(scenarioArb, runScenario), { numRuns: RUNS, endOnFailure: true })
  })
})

const pick = <T>(items: readonly T[], n: number): T => items[n % items.length]!

const edit = (handle: BookHandle, { op, a, b }: { op: number; a: number; b: number }): void => {
  const ids = [...handle.doc.getMap('customers').keys()]
  if (ids.length === 0 || op === 7) {
    handle.customers.create({ name: `Random ${a} GmbH`, notes: 'n' })
    return
  }
  const id = pick(ids, a)
  if (op === 0) handle.customers.set(id, 'status', pick(STATUSES, b))
  else if (op === 1) handle.customers.set(id, 'email', `x${b % 1000}@random.example`)
  else if (op === 2) handle.customers.set(id, 'industry', pick(['Retail', 'Energy', 'Logistics', null], b))
  else if (op === 3) handle.customers.patch(id, { address: { city: pick(['Oslo', 'Lyon', 'Graz'], b) } })
  else if (op === 4) {
    const notes = handle.customers.read(id)?.notes ?? ''
    const at = b % (notes.length + 1)
    const del = b % 3 === 0 ? Math.min(b % 4, notes.length - at) : 0
    handle.customers.editNotes(id, at, del, pick(['a', 'bc', ' ', 'xyz'], b >> 2))
  } else if (op === 5) handle.customers.addActivity(id, { kind: 'call', text: `call ${b % 99}` })
  else handle.customers.archive(id, b % 2 === 0)
}
