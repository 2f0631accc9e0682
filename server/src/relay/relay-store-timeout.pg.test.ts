// A connection whose role or book cannot be read from PostgreSQL in time (a table locked by another
// session, past PG_STATEMENT_TIMEOUT_MS) is closed with 1013, so that the client comes back later
// with backoff, not with 1011 (a server error); once the lock is gone it connects as usual.
import { describe, expect, it } from 'vitest'
import { CLOSE_CODE } from '@crm-sync/protocol'
import { lockedPostgresServerFixture } from '../testing/locked-postgres-server'
import { connectProvider, connectRaw, whenSynced } from '../testing/ws-clients'

const pg = lockedPostgresServerFixture(300)

/** The close a connection to book 'slow' gets while `table` is locked. */
const closeWhileLocked = (table: string) =>
  pg.whileLocked(table, async () => (await connectRaw(`${pg.server.wsUrl}/slow?token=${pg.token}`)).closed)

describe('relay connections when PostgreSQL does not answer in time', () => {
  it('closes with 1013 when the role cannot be read in time', async () => {
    expect(await closeWhileLocked('members')).toEqual({ code: CLOSE_CODE.tryAgainLater, reason: 'store busy, try again later' })
  })

  it('closes with 1013 when the book cannot be loaded in time, and loads it once the lock is gone', async () => {
    expect(await closeWhileLocked('snapshots')).toEqual({ code: CLOSE_CODE.tryAgainLater, reason: 'store busy, try again later' })
    const client = connectProvider(pg.server.wsUrl, 'slow', pg.token)
    await whenSynced(client)
    client.destroy()
  })
})
