// An import streamed as NDJSON that the store stops answering in time (a table locked by another
// session, past PG_STATEMENT_TIMEOUT_MS) ends with the error the API gives before a stream starts,
// store-timeout (try again shortly), not an internal error.
import { describe, expect, it } from 'vitest'
import { lockedPostgresServerFixture } from '../testing/locked-postgres-server'
import { postImport } from './import-test-kit'

const pg = lockedPostgresServerFixture(300)

type Event = { type: 'progress'; phase: string } | { type: 'report' } | { type: 'error'; error: { code: string; message: string } }

const rows = (n: number) => 'name,email\n' + Array.from({ length: n }, (_, i) => `Slow Co ${i},slow${i}@example.com\n`).join('')

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
  }, 20_000)
})
