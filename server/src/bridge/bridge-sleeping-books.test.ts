// The embedded bridge (npm start) lets the books it is done with sleep, and still pushes every
// edit: one made while a book slept (the room wakes for it, and the bridge's observer is on the
// new document before the edit applies), and one a dormant big book took into its tail without
// waking (the bridge wakes the book once the edits pause, compares it whole, and pushes what
// differs). Real relay, real SQLite files, the emulator through the official SDK.
import { afterEach, describe, expect, it } from 'vitest'
import { setCustomerField } from '@crm-sync/model'
import { readMetric } from '../testing/server-metrics'
import { asleepThroughStatus, eventually, makeBookBig, startBridgeRig, type BridgeRig } from './bridge-test-kit'

const BOOK = 'north-territory'
// Sweeps every 300 ms; the bridge lets go of a book BRIDGE_PUSH_MAX_WAIT_MS (500 ms here) after its last use.
const ENV = { BOOK_HIBERNATE_MS: '300' }

describe('bridged books asleep', () => {
  let rig: BridgeRig
  afterEach(async () => {
    await rig?.dispose()
  })
  const room = () => rig.server.rooms.peek(BOOK)

  it('lets a bridged book sleep, and pushes an edit made while it slept', async () => {
    rig = await startBridgeRig({ env: ENV })
    await rig.settle()
    const alice = await rig.client(BOOK, 'alice')
    await asleepThroughStatus(rig, BOOK)
    for (let i = 0; i < 3; i++) {
      const status = await rig.service().status()
      expect(status.consistency.ratio).toBe(1)
      expect(room()?.isDormant).toBe(true)
    }
    const [id] = [...alice.doc.getMap('customers').keys()]
    setCustomerField(alice.doc, id!, 'industry', 'Woke for this')
    await eventually(() => rig.companiesByRecordId().get(id!)?.['industry'] === 'Woke for this', 15_000, 'the edit in the CRM')
    // Done with it again: it goes back to sleep.
    await asleepThroughStatus(rig, BOOK)
  })

  it('pushes an edit a dormant big book took into its tail', async () => {
    rig = await startBridgeRig({
      env: ENV,
      prepare: (server) => makeBookBig(server, BOOK),
    })
    await rig.settle()
    const alice = await rig.client(BOOK, 'alice')
    await asleepThroughStatus(rig, BOOK)
    const taken = await readMetric(rig.server.url, 'crm_relay_dormant_updates_total')
    const [, id] = [...alice.doc.getMap('customers').keys()]
    setCustomerField(alice.doc, id!, 'industry', 'From the tail')
    await eventually(async () => (await readMetric(rig.server.url, 'crm_relay_dormant_updates_total')) > taken, 15_000, 'the edit in the tail')
    await eventually(() => rig.companiesByRecordId().get(id!)?.['industry'] === 'From the tail', 15_000, 'the edit in the CRM')
    await rig.settle()
    expect((await rig.service().status()).consistency.ratio).toBe(1)
    await asleepThroughStatus(rig, BOOK)
  })
})
