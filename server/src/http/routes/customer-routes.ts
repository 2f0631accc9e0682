// Customers over HTTP for REST-only integrations. Writes are CRDT updates attributed to the
// caller, so they merge with concurrent edits from devices exactly like a device's own edit.
// The list names the document state it was read from (X-Book-State-Vector), so a fresh device
// can show it as a projection of that state until its own copy has synced (sync-client).
import { Hono } from 'hono'
import type { CountryCode } from 'libphonenumber-js'
import {
  createCustomer, createCustomerPatchSchema, patchCustomer, readCustomer, validateCustomer, type NewCustomer,
} from '@crm-sync/model'
import { BOOK_STATE_VECTOR_HEADER, encodeStateVectorHeader } from '@crm-sync/protocol'
import type { TokenService } from '../../auth/token-service'
import { requireRole } from '../../books/book-access'
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

/** Answers of BookService.query are JSON serialized already (as c.json would send them). */
const JSON_BODY = { 'Content-Type': 'application/json' }
const notFound = (cid: string) => new HttpError(404, 'customer-not-found', `no customer ${cid} in this book`)
const invalid = (error: z.ZodError) =>
  new HttpError(400, 'invalid-body', 'request body is not valid; nothing was changed', error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })))

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
      return c.body(body, 200, JSON_BODY)
    })
    .post('/:bookId/customers', async (c) => {
      const bookId = c.req.param('bookId')
      const { userId } = c.get('identity')
      await requireRole(directory, bookId, userId, 'editor')
      const raw = await readJson(c, z.record(z.string(), z.unknown()))
      const checked = validateCustomer(raw, { defaultRegion })
      if (!checked.ok) throw new HttpError(400, 'invalid-customer', 'customer is not valid', checked.issues)
      const id = await books.change(bookId, userId, (doc, origin) =>
        createCustomer(doc, checked.value as NewCustomer, { by: userId, origin }),
      )
      return c.json(await books.read(bookId, (doc) => readCustomer(doc, id)), 201)
    })
    .get('/:bookId/customers/:cid', async (c) => {
      const { bookId, cid } = c.req.param()
      await requireRole(directory, bookId, c.get('identity').userId, 'viewer')
      const { body } = await books.query(bookId, { kind: 'customer', id: cid })
      if (body === null) throw notFound(cid)
      return c.body(body, 200, JSON_BODY)
    })
    .patch('/:bookId/customers/:cid', async (c) => {
      const { bookId, cid } = c.req.param()
      const { userId } = c.get('identity')
      await requireRole(directory, bookId, userId, 'editor')
      const body = await readJson(c, z.unknown())
      const stored = await books.read(bookId, (doc) => readCustomer(doc, cid))
      if (!stored) throw notFound(cid)
      // A phone without a country prefix is read in the customer's own country when it has one.
      const parsed = createCustomerPatchSchema({ defaultRegion: stored.address?.country ?? defaultRegion }).safeParse(body)
      if (!parsed.success) throw invalid(parsed.error)
      const patch = parsed.data
      const customer = await books.change(bookId, userId, (doc, origin) => {
        if (!readCustomer(doc, cid)) throw notFound(cid)
        patchCustomer(doc, cid, patch, origin)
        return readCustomer(doc, cid)
      })
      return c.json(customer)
    })
