// y-indexeddb grows on every open (its issue #31). This client must not: 20 cycles of open,
// sync with the real relay, close, leave IndexedDB exactly as the first cycle left it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDevice, startTestServer, type TestServer } from './test-support'

describe('reopening a synced book', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.dispose()
  })

  it('does not grow storage over 20 reopen cycles without edits', async () => {
    const device = makeDevice(server)
    const sizes: { rows: number; bytes: number; pending: number }[] = []
    for (let i = 0; i < 21; i++) {
      const handle = device.open()
      await handle.whenSynced()
      expect(handle.doc.getMap('customers').size).toBeGreaterThan(20)
      await handle.close()
      sizes.push(await device.store.stats('north-territory'))
    }
    expect(sizes[0]!.bytes).toBeGreaterThan(1000)
    expect(new Set(sizes.map((s) => JSON.stringify(s))).size).toBe(1)
  })
})
