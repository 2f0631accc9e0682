// Two tabs of one device (same IndexedDB, same BroadcastChannel name) see each other's edits at
// once, with or without a network, and an edit from the other tab is not pending here.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { makeDevice, waitFor } from './test-support'

describe('cross-tab sync', () => {
  it('carries edits between offline tabs immediately, and catches a new tab up', async () => {
    const device = makeDevice(null)
    const channel = `test-tabs-${Math.random()}`
    const one = device.open({ connect: false, crossTabChannel: channel })
    await one.whenLoaded
    const id = one.customers.create({ name: 'Two Tabs Ltd' })
    // Opened before the first tab's batch was written: the rest comes over the channel.
    const two = device.open({ connect: false, crossTabChannel: channel })
    await two.whenLoaded
    await waitFor(() => two.customers.read(id) !== null, 2000, 'second tab catches up')

    two.customers.set(id, 'email', 'tabs@example.com')
    await waitFor(() => one.customers.read(id)?.email === 'tabs@example.com', 2000, 'first tab sees the edit')
    expect(one.status.pendingLocal).toBe(1) // its own create, not tab two's edit
    // Its own edit, plus tab one's create if that was already in IndexedDB when it loaded.
    expect([1, 2]).toContain(two.status.pendingLocal)

    // A tab on another device (another channel name) sees nothing.
    const elsewhere = makeDevice(null).open({ connect: false, crossTabChannel: `other-${Math.random()}` })
    await elsewhere.whenLoaded
    expect(elsewhere.customers.read(id)).toBeNull()
    await Promise.all([one.close(), two.close(), elsewhere.close()])

    const reopened = device.open({ connect: false, crossTabChannel: channel })
    await reopened.whenLoaded
    expect(reopened.customers.read(id)).toMatchObject({ name: 'Two Tabs Ltd', email: 'tabs@example.com' })
    expect(reopened.status.pendingLocal).toBe(2)
    await reopened.close()
  })

  it('ignores messages no tab of ours sends: garbage, wrong shapes, a remove without a sender, a corrupt update, one for another tab', async () => {
    const device = makeDevice(null)
    const channel = `test-tabs-${Math.random()}`
    const one = device.open({ connect: false, crossTabChannel: channel })
    await one.whenLoaded
    const id = one.customers.create({ name: 'Kept Ltd' })
    const before = one.customers.list().length

    // A customer made in a doc of its own, sent as an update addressed to some other tab.
    const elsewhere = new Y.Doc()
    elsewhere.getMap('customers').set('not-for-you', new Y.Map())
    const addressed = Y.encodeStateAsUpdate(elsewhere)

    const stranger = new BroadcastChannel(channel)
    for (const message of [
      null, 'remove', 42, [], {}, { kind: 'remove' }, { kind: 'remove', from: 5 }, { kind: 'unknown', from: 'x' },
      { kind: 'hello', from: 'x', sv: 'not bytes' }, { kind: 'hello', from: 'x', sv: new Uint8Array([250, 250, 250]) },
      { kind: 'update', from: 'x', update: [1, 2, 3] }, { kind: 'update', from: 'x', update: new Uint8Array([255, 255, 255, 255]) },
      { kind: 'update', from: 'x', to: 'another-tab', update: addressed },
    ]) stranger.postMessage(message)
    await new Promise((resolve) => setTimeout(resolve, 200))
    stranger.close()

    expect(one.status.error).toBeNull()
    expect(one.customers.list()).toHaveLength(before)
    expect(one.customers.read(id)).toMatchObject({ name: 'Kept Ltd' })
    expect(one.doc.getMap('customers').has('not-for-you')).toBe(false)
    // Still open and still in step with another tab, both ways.
    const two = device.open({ connect: false, crossTabChannel: channel })
    await two.whenLoaded
    await waitFor(() => two.customers.read(id) !== null, 2000, 'second tab catches up')
    two.customers.set(id, 'industry', 'Still Listening')
    await waitFor(() => one.customers.read(id)?.industry === 'Still Listening', 2000, 'first tab sees the edit')
    await Promise.all([one.close(), two.close()])
  })
})
