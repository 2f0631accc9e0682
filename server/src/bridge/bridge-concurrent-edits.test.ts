// Concurrent edits on the two sides of one record, made while the bridge looks away: different
// fields both survive; the same field goes by its policy (the later change wins, the CRDT time
// from the relay's log) and leaves a conflict entry; notes are merged as text.
import { afterEach, describe, expect, it } from 'vitest'
import { patchCustomer, readCustomer, setCustomerField } from '@crm-sync/model'
import { eventually, startBridgeRig, type BridgeRig } from './bridge-test-kit'

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('bridge with concurrent edits', () => {
  let rig: BridgeRig
  afterEach(async () => {
    await rig?.dispose()
  })

  it('keeps both different-field edits, settles same-field edits by policy and records the conflict', async () => {
    // No webhooks and slow timers: the bridge only looks when the test says so.
    rig = await startBridgeRig({ env: { BRIDGE_WEBHOOK_SETUP: 'false', BRIDGE_PULL_INTERVAL_MS: '600000', BRIDGE_PUSH_DEBOUNCE_MS: '4000', BRIDGE_PUSH_MAX_WAIT_MS: '8000' } })
    await rig.settle()
    const alice = await rig.client('north-territory', 'alice')
    const ids = [...alice.doc.getMap('customers').keys()].slice(0, 4) as [string, string, string, string]
    const crmId = (id: string) => rig.crm.store.findBy('companies', 'crdt_record_id', id)!.id
    const office = (id: string, props: Record<string, string>) => rig.crm.store.update('companies', crmId(id), props, { source: 'CRM_UI' })
    const notesBefore = 'Call on Mondays.'
    patchCustomer(alice.doc, ids[3], { notes: notesBefore })
    await eventually(() => rig.crm.store.findBy('companies', 'crdt_record_id', ids[3])?.properties['description'] === notesBefore, 10_000, 'notes pushed')
    await rig.settle()

    setCustomerField(alice.doc, ids[0], 'name', 'Renamed in the book')
    setCustomerField(alice.doc, ids[2], 'industry', 'Shipbuilding')
    patchCustomer(alice.doc, ids[3], { notes: `${notesBefore} Book line.` })
    office(ids[1], { industry: 'Aerospace' })
    office(ids[3], { description: `Office line. ${notesBefore}` })
    await pause(40)
    office(ids[0], { name: 'Renamed in the office' })
    office(ids[2], { phone: '+49 30 901820' })
    setCustomerField(alice.doc, ids[1], 'industry', 'Agriculture')
    await pause(300) // the relay has logged the book edits
    rig.service().requestPull()
    await rig.settle()

    const book = (id: string) => readCustomer(alice.doc, id)!
    const crm = (id: string) => rig.crm.store.findBy('companies', 'crdt_record_id', id)!.properties
    // Same field, the CRM changed later: the CRM wins.
    expect(book(ids[0]).name).toBe('Renamed in the office')
    expect(crm(ids[0])['name']).toBe('Renamed in the office')
    // Same field, the book changed later: the book wins.
    expect(book(ids[1]).industry).toBe('Agriculture')
    expect(crm(ids[1])['industry']).toBe('Agriculture')
    // Different fields: both survive.
    expect(book(ids[2])).toMatchObject({ industry: 'Shipbuilding', phone: '+4930901820' })
    expect(crm(ids[2])).toMatchObject({ industry: 'Shipbuilding', phone: '+49 30 901820' })
    // Notes: both edits merged into the text.
    expect(book(ids[3]).notes).toBe(`Office line. ${notesBefore} Book line.`)
    expect(crm(ids[3])['description']).toBe(`Office line. ${notesBefore} Book line.`)

    const res = await fetch(`${rig.server.url}/api/books/north-territory/conflicts`, { headers: { authorization: `Bearer ${await rig.server.token('dave')}` } })
    expect(res.status).toBe(200)
    const { conflicts } = (await res.json()) as { conflicts: Array<Record<string, any>> }
    const byRecord = new Map(conflicts.map((c) => [c['record'].id as string, c]))
    expect(byRecord.get(ids[0])).toMatchObject({
      field: 'name', policy: 'later-wins', winner: 'crm', result: 'Renamed in the office',
      book: { value: 'Renamed in the book', by: 'alice' }, crm: { value: 'Renamed in the office', by: 'crm' },
    })
    expect(byRecord.get(ids[1])).toMatchObject({ field: 'industry', winner: 'book', book: { value: 'Agriculture', by: 'alice' }, crm: { value: 'Aerospace' } })
    expect(byRecord.has(ids[2])).toBe(false)
    expect(byRecord.has(ids[3])).toBe(false)
    await eventually(async () => (await rig.service().status()).consistency.ratio === 1, 5_000, 'consistency')
  })
})
