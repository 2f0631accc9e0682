// The full reconcile's shortcut against the real emulator and SDK: every record the bridge settled
// stores exactly the hs_lastmodifieddate a later list returns (so records in step are skipped
// without hashing or writing), and a change made in the CRM behind the bridge's back (no webhook
// it acts on, no scheduled pull) is still brought into the book by the next full reconcile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readCustomer, setCustomerField } from '@crm-sync/model'
import { eventually, startBridgeRig, type BridgeRig } from './bridge-test-kit'
import { unchangedSinceAgreed } from './full-reconcile'
import type { ProviderClient } from '../testing/ws-clients'
import type { BridgeStateStore } from './bridge-state-store'

describe('full reconcile of records in step', () => {
  let rig: BridgeRig
  let alice: ProviderClient
  const state = (): BridgeStateStore => rig.service()['o'].state
  const settledCompanies = async (): Promise<number> =>
    Number((await (await fetch(`${rig.server.url}/metrics`)).text()).match(/crm_bridge_records_settled_total\{kind="company"\} (\d+)/)?.[1] ?? NaN)
  /** Every live CRM company is one the full reconcile skips by its modified time alone. */
  const expectAllSkippable = async (): Promise<void> => {
    const listed = await rig.service()['o'].crm.listPage('companies', { limit: 100, properties: ['name'] })
    const summaries = new Map((await state().listSummaries({ kind: 'company' })).map((s) => [s.crmId, s]))
    expect(listed.results.length).toBeGreaterThan(0)
    expect(listed.results.filter((o) => !unchangedSinceAgreed(summaries.get(o.id)!, o)).map((o) => o.id)).toEqual([])
  }
  const fullReconciles = async (): Promise<number> => (await rig.service().status()).lastFullReconcileAt ? Date.parse((await rig.service().status()).lastFullReconcileAt!) : 0
  const fullReconcile = async (): Promise<void> => {
    const before = await fullReconciles()
    rig.service().requestFullReconcile()
    await eventually(async () => (await fullReconciles()) > before, 15_000, 'a full reconcile')
  }

  beforeAll(async () => {
    // No scheduled pull: only the full reconcile can find a change the bridge takes for its own echo.
    rig = await startBridgeRig({ env: { BRIDGE_PULL_INTERVAL_MS: '3600000' } })
    await rig.settle()
    alice = await rig.client('north-territory', 'alice')
    await fullReconcile() // the verifying pass
  })
  afterAll(async () => {
    await rig?.dispose()
  })

  it('finds every settled company unchanged by its modified time, and writes nothing to the CRM', async () => {
    await expectAllSkippable()
    const stamps = new Map(rig.crm.store.list('companies').map((r) => [r.id, r.updatedAt]))
    const settled = await settledCompanies()
    await fullReconcile()
    expect(new Map(rig.crm.store.list('companies').map((r) => [r.id, r.updatedAt]))).toEqual(stamps)
    expect(await settledCompanies()).toBe(settled)
  })

  it('brings a CRM change with a newer modified time into the book', async () => {
    const id = [...alice.doc.getMap('customers').keys()][1] as string
    const company = rig.crm.store.findBy('companies', 'crdt_record_id', id)!
    // An INTEGRATION write: its webhook looks like the bridge's own echo, so nothing pulls it.
    rig.crm.store.update('companies', company.id, { city: 'Behind The Back' }, { source: 'INTEGRATION' })
    await new Promise((r) => setTimeout(r, 600))
    expect(readCustomer(alice.doc, id)?.address?.city).not.toBe('Behind The Back')
    await fullReconcile()
    await eventually(() => readCustomer(alice.doc, id)?.address?.city === 'Behind The Back', 10_000, 'the CRM change in the book')
  })

  it("records the time of the bridge's own CRM writes, so a pushed record is skipped afterwards", async () => {
    const id = [...alice.doc.getMap('customers').keys()][2] as string
    setCustomerField(alice.doc, id, 'industry', 'Shortcut-proof')
    await eventually(() => rig.crm.store.findBy('companies', 'crdt_record_id', id)?.properties['industry'] === 'Shortcut-proof', 10_000, 'the book change in the CRM')
    await rig.settle()
    await expectAllSkippable()
  })
})
