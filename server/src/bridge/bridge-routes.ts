// The bridge's read side of the HTTP API: GET /api/books/:id/conflicts and /attention (members of
// the book only) and GET /api/sync/status (any signed-in user, who sees only the books they are a
// member of). Mounted through createApp's extraApiRoutes; errors go through the app's one error handler.
import { Hono } from 'hono'
import { z } from 'zod'
import type { TokenService } from '../auth/token-service'
import { requireRole } from '../books/book-access'
import { requireIdentity, type AuthEnv } from '../http/auth-middleware'
import { HttpError } from '../http/http-error'
import { BOOK_ID_PATTERN } from '../relay/book-id'
import type { BookDirectory } from '../store/book-directory'
import type { BridgeStateStore } from './bridge-state-store'
import { reportFor, type SyncStatusReport } from './sync-status-report'

const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})

const bookParam = (raw: string): string => {
  if (!BOOK_ID_PATTERN.test(raw)) throw new HttpError(400, 'invalid-book-id', 'not a valid book id')
  return raw
}

export function bridgeBookRoutes(d: { tokens: TokenService; directory: BookDirectory; state: () => BridgeStateStore | null }) {
  const store = (): BridgeStateStore => {
    const s = d.state()
    if (!s) throw new HttpError(503, 'bridge-unavailable', 'the CRM bridge is not running')
    return s
  }
  return new Hono<AuthEnv>()
    .get('/:bookId/conflicts', requireIdentity(d.tokens), async (c) => {
      const bookId = bookParam(c.req.param('bookId'))
      const q = pageQuery.safeParse(c.req.query())
      if (!q.success) throw new HttpError(400, 'invalid-query', 'limit (1..500) and offset (0..) are the only parameters')
      await requireRole(d.directory, bookId, c.get('identity').userId, 'viewer')
      const conflicts = await store().listConflicts(bookId, q.data)
      return c.json({
        conflicts: conflicts.map((x) => ({
          id: x.id, record: { kind: x.kind, id: x.crdtId }, field: x.field, crmProperty: x.property, base: x.base,
          book: { value: x.bookValue, by: x.bookBy, at: x.bookAt === null ? null : new Date(x.bookAt).toISOString() },
          crm: { value: x.crmValue, by: x.crmBy, at: x.crmAt === null ? null : new Date(x.crmAt).toISOString() },
          policy: x.policy, winner: x.winner, result: x.result, at: new Date(x.at).toISOString(),
        })),
        limit: q.data.limit,
        offset: q.data.offset,
      })
    })
    .get('/:bookId/attention', requireIdentity(d.tokens), async (c) => {
      const bookId = bookParam(c.req.param('bookId'))
      if (Object.keys(c.req.query()).length > 0) throw new HttpError(400, 'invalid-query', 'this endpoint takes no parameters')
      await requireRole(d.directory, bookId, c.get('identity').userId, 'viewer')
      const records = await store().listAttention(bookId)
      return c.json({
        records: records.map((a) => ({ record: { kind: a.kind, id: a.crdtId }, issues: a.issues, at: new Date(a.at).toISOString() })),
      })
    })
}

export function syncStatusRoutes(d: { tokens: TokenService; directory: BookDirectory; status: () => Promise<SyncStatusReport> | null }) {
  return new Hono<AuthEnv>().get('/status', requireIdentity(d.tokens), async (c) => {
    if (Object.keys(c.req.query()).length > 0) throw new HttpError(400, 'invalid-query', 'this endpoint takes no parameters')
    const report = d.status()
    if (!report) return c.json({ enabled: true, running: false }, 503)
    const memberOf = new Set((await d.directory.listBooksFor(c.get('identity').userId)).map((b) => b.id))
    return c.json({ enabled: true, ...reportFor(await report, memberOf) })
  })
}
