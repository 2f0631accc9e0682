// An import the store stops answering in time (a table locked by another session, past
// PG_STATEMENT_TIMEOUT_MS) ends with store-timeout (503, try again shortly), not an internal error,
// saying how far it got: streamed as NDJSON after its first batches, or answered whole.
import { describe, expect, it } from 'vitest'
import { lockedPostgresServerFixture } from '../testing/locked-postgres-server'
import { connectProvider, whenSynced } from '../testing/ws-clients'
import { errorOf, postImport } from './import-test-kit'

const pg = lockedPostgresServerFixture(300)

type Applied = { applied: { imported: number } }
type Event = { type: 'progress'; phase: string; imported: number } | { type: 'report' } | { type: 'error'; error: { code: string; message: string; details: Applied } }

const rows = (n: number, prefix = 'Slow Co') =>
  'name,email\n' + Array.from({ length: n }, (_, i) => `${prefix} ${i},${prefix.replace(/\W/g, '').toLowerCase()}${i}@example.com\n`).join('')

/** Reads NDJSON events as they come, calling `seen` on each. */
const readEvents = async (res: Response, seen: (e: Event) => Promise<void>): Promise<Event[]> => {
  const events: Event[] = []
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  let rest = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    rest += value
    const lines = rest.split('\n')
    rest = lines.pop()!
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as Event
      events.push(event)
      await seen(event)
    }
  }
  return events
}

describe('an import streamed as NDJSON when PostgreSQL stops answering in time', () => {
  it('ends with store-timeout once its first batches are in', async () => {
    const res = await postImport(pg.server, 'slow', rows(4000), { token: pg.token, format: 'csv', accept: 'application/x-ndjson', query: { batchSize: '50' } })
    expect(res.status).toBe(200)
    let locked: Promise<Event[]> | null = null
    let release: () => void = () => {}
    const events = await readEvents(res, async (event) => {
      // A batch is in: from now on the book's appends wait on the lock.
      if (!locked && event.type === 'progress' && event.phase === 'importing') {
        locked = pg.whileLocked('book_heads', () => new Promise<Event[]>((resolve) => (release = () => resolve([]))))
        await new Promise((resolve) => setTimeout(resolve, 50)) // the lock taken
      }
    })
    release()
    await locked
    const last = events.at(-1)!
    expect(last).toMatchObject({ type: 'error', error: { code: 'store-timeout' } })
    expect(events.some((e) => e.type === 'report')).toBe(false)
    // How far it got: at least the batches whose progress came before the lock.
    const imported = Math.max(...events.flatMap((e) => (e.type === 'progress' ? [e.imported] : [])))
    expect(imported).toBeGreaterThan(0)
    expect((last as Extract<Event, { type: 'error' }>).error.details.applied.imported).toBeGreaterThanOrEqual(imported)
  }, 20_000)

  it('answers 503 store-timeout with Retry-After when no batch could be written, saying none was', async () => {
    // The book kept loaded by a client, so that its first batch is what waits on the lock.
    const client = connectProvider(pg.server.wsUrl, 'slow', pg.token)
    try {
      await whenSynced(client)
      const res = await pg.whileLocked('book_heads', () => postImport(pg.server, 'slow', rows(20, 'Never Co'), { token: pg.token, format: 'csv' }))
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('5')
      const error = await errorOf(res)
      expect(error).toMatchObject({ code: 'store-timeout', details: { applied: { imported: 0 } } })
    } finally {
      client.destroy()
    }
  }, 20_000)
})
