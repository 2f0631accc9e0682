// A connection whose role or book cannot be read from PostgreSQL in time (a table locked by another
// session, past PG_STATEMENT_TIMEOUT_MS) is closed with 1013, so that the client comes back later
// with backoff, not with 1011 (a server error); once the lock is gone it connects as usual. An
// update that cannot be stored in time is not acknowledged, and its book's clients are closed with
// 1013 too: they resend it when they come back.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CLOSE_CODE } from '@crm-sync/protocol'
import { lockedPostgresServerFixture } from '../testing/locked-postgres-server'
import { connectProvider, connectRaw, waitFor, whenSynced } from '../testing/ws-clients'

const pg = lockedPostgresServerFixture(300)

/** The close a connection to book 'slow' gets while `table` is locked. */
const closeWhileLocked = (table: string) =>
  pg.whileLocked(table, async () => (await connectRaw(`${pg.server.wsUrl}/slow?token=${pg.token}`)).closed)

describe('relay connections when PostgreSQL does not answer in time', () => {
  it('closes with 1013 when the role cannot be read in time', async () => {
    expect(await closeWhileLocked('members')).toEqual({ code: CLOSE_CODE.tryAgainLater, reason: 'store busy, try again later' })
  })

  it('closes with 1013 when the book cannot be loaded in time, counts it, and loads it once the lock is gone', async () => {
    expect(await closeWhileLocked('snapshots')).toEqual({ code: CLOSE_CODE.tryAgainLater, reason: 'store busy, try again later' })
    const metrics = await (await fetch(`${pg.server.url}/metrics`)).text()
    expect(metrics).toMatch(/^crm_relay_book_load_failures_total\{reason="timeout"\} [1-9]/m)
    const client = connectProvider(pg.server.wsUrl, 'slow', pg.token)
    await whenSynced(client)
    client.destroy()
  })

  it('closes with 1013 when an update cannot be stored in time, and stores it when the client comes back', async () => {
    const client = connectProvider(pg.server.wsUrl, 'slow', pg.token)
    const closes: number[] = []
    client.provider.on('connection-close', (event: { code: number } | null) => event && closes.push(event.code))
    try {
      await whenSynced(client)
      const close = await pg.whileLocked('book_heads', async () => {
        client.doc.getMap('customers').set('made-while-locked', new Y.Map())
        await waitFor(() => closes.length > 0, 5000, 'the close')
        return closes[0]
      })
      expect(close).toBe(CLOSE_CODE.tryAgainLater)
      // y-websocket reconnects (1013 is not permanent) and its sync step 2 carries the update again.
      await expect
        .poll(() => pg.server.books.read('slow', (d) => d.getMap('customers').has('made-while-locked')), { timeout: 10_000 })
        .toBe(true)
    } finally {
      client.destroy()
    }
  })
})
