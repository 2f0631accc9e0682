// Two tabs of one device (same IndexedDB, same BroadcastChannel name) see each other's edits at
// once, with or without a network, and an edit from the other tab is not pending here.
import { describe, expect, it } from 'vitest'
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
})
