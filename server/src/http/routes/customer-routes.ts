// Customers over HTTP for REST-only integrations. Writes are CRDT updates attributed to the
// caller, so they merge with concurrent edits from devices exactly like a device's own edit.
// The list names the document state it was read from (X-Book-State-Vector), so a fresh device
// can show it as a projection of that state until its own copy has synced (sync-client).
import { Hono, type Context } from 'hono'
import type { CountryCode } from 'libphonenumber-js'
import { validateCustomer, type NewCustomer } from '@crm-sync/model'
import { BOOK_STATE_VECTOR_HEADER, encodeStateVectorHeader } from '@crm-sync/protocol'
import type { TokenService } from '../../auth/token-service'
import { requireRole } from '../../books/book-access'
import type { MutationOutcome } from '../../books/book-mutation'
import type { BookService } from '../../books/book-service'
import type { BookDirectory } from '../../store/book-directory'
import { requireIdentity, type AuthEnv } from '../auth-middleware'
import { HttpError } from '../http-error'
import { readJson } from '../request-body'
import { z } from 'zod'

export interface CustomerRoutesDeps {
  readonly tokens: TokenService
  readonly directory: BookDirectory
  readonly books: BookService
  readonly defaultRegion: CountryCode
}

/**
 * Answers of BookService.query and .mutate are JSON serialized already: sent as c.json would send
 * them. The headers are a fresh object each time: @hono/node-server adds Content-Length to the one
 * it is given, and a shared one carried the first answer's length into every later response.
 */
const sendJson = (c: Context, body: Uint8Array<ArrayBuffer>, status: 200 | 201 = 200) => c.body(body, status, { 'Content-Type': 'application/json' })
const notFound = (cid: string) => new HttpError(404, 'customer-not-found', `no customer ${cid} in this book`)

/** The response to a write: the customer as written, or why nothing was. */
const answer = (c: Context, outcome: MutationOutcome, cid: string, status: 200 | 201 = 200) => {
  switch (outcome.kind) {
    case 'written':
      return sendJson(c, outcome.answer, status)
    case 'not-found':
      throw notFound(cid)
    case 'invalid':
      throw new HttpError(400, 'invalid-body', 'request body is not valid; nothing was changed', outcome.issues)
  }
}

export const customerRoutes = ({ tokens, directory, books, defaultRegion }: CustomerRoutesDeps) =>
  new Hono<AuthEnv>()
    .use(requireIdentity(tokens))
    .get('/:bookId/customers', async (c) => {
      const bookId = c.req.param('bookId')
      await requireRole(directory, bookId, c.get('identity').userId, 'viewer')
      const includeArchived = c.req.query('includeArchived') === '1' || c.req.query('includeArchived') === 'true'
      // One read, so the state vector names exactly the state the customers were read from. A
      // big dormant book is read on a worker, and the answer comes serialized.
      const { body, stateVector } = await books.query(bookId, { kind: 'customers', includeArchived })
      c.header(BOOK_STATE_VECTOR_HEADER, encodeStateVectorHeader(stateVector))
      return sendJson(c, body)
    })
    .post('/:bookId/customers', async (c) => {
      const bookId = c.req.param('bookId')
      const { userId } = c.get('identity')
      await requireRole(directory, bookId, userId, 'editor')
      const raw = await readJson(c, z.record(z.string(), z.unknown()))
      const checked = validateCustomer(raw, { defaultRegion })
      if (!checked.ok) throw new HttpError(400, 'invalid-customer', 'customer is not valid', checked.issues)
      const outcome = await books.mutate(bookId, userId, { kind: 'create-customer', customer: checked.value as NewCustomer })
      return answer(c, outcome, 'new', 201)
    })
    .get('/:bookId/customers/:cid', async (c) => {
      const { bookId, cid } = c.req.param()
      await requireRole(directory, bookId, c.get('identity').userId, 'viewer')
      const { body } = await books.query(bookId, { kind: 'customer', id: cid })
      if (body === null) throw notFound(cid)
      return sendJson(c, body)
    })
    .patch('/:bookId/customers/:cid', async (c) => {
      const { bookId, cid } = c.req.param()
      const { userId } = c.get('identity')
      await requireRole(directory, bookId, userId, 'editor')
      const body = await readJson(c, z.unknown())
      // Checked where the customer is read: a phone without a country prefix is read in the
      // customer's own country when it has one. A big dormant book is written on a worker.
      const outcome = await books.mutate(bookId, userId, { kind: 'patch-customer', id: cid, body, defaultRegion })
      return answer(c, outcome, cid)
    })
