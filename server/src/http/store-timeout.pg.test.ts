// A database that does not answer in time (a table locked by another session) is not the client's
// fault: the API answers 503 store-timeout with Retry-After once PG_STATEMENT_TIMEOUT_MS has passed,
// instead of hanging with a pooled connection held, and serves again once the lock is gone.
import { describe, expect, it } from 'vitest'
import { readBookMeta, SCHEMA_VERSION } from '@crm-sync/model'
import { lockedPostgresServerFixture } from '../testing/locked-postgres-server'

const pg = lockedPostgresServerFixture(300)
const members = () => fetch(`${pg.server.url}/api/books/slow/members`, { headers: { authorization: `Bearer ${pg.token}` } })

describe('the HTTP API when PostgreSQL does not answer in time', () => {
  it('answers 503 store-timeout with Retry-After, for more requests than the pool has connections, then serves again', async () => {
    await pg.whileLocked('members', async () => {
      const started = Date.now()
      // The pool has 10 connections: each request cancelled frees its own for the next ones.
      const answers = await Promise.all(Array.from({ length: 12 }, members))
      expect(Date.now() - started).toBeLessThan(5000)
      for (const res of answers) {
        expect(res.status).toBe(503)
        expect(res.headers.get('retry-after')).toBe('5')
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('store-timeout')
      }
    })
    const res = await members()
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ members: [{ userId: 'alice', role: 'owner' }] })
  }, 15_000)

  it('lets the creator of a book whose document could not be written in time create it again: 503, then 201', async () => {
    const create = () =>
      fetch(`${pg.server.url}/api/books`, {
        method: 'POST',
        headers: { authorization: `Bearer ${pg.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'made-slowly', name: 'Made slowly' }),
      })
    // The book is recorded; its first document write (book_heads) waits past the deadline.
    const first = await pg.whileLocked('book_heads', create)
    expect(first.status).toBe(503)
    const again = await create()
    expect(again.status).toBe(201)
    expect(await pg.server.books.read('made-slowly', (doc) => readBookMeta(doc))).toEqual({ name: 'Made slowly', schemaVersion: SCHEMA_VERSION })
    // Done: a third try is the conflict it always was.
    expect((await create()).status).toBe(409)
  }, 15_000)
})
