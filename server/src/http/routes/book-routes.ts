// Books and their members.
import { Hono } from 'hono'
import { z } from 'zod'
import { USER_ID_PATTERN } from '../../auth/identity'
import type { TokenService } from '../../auth/token-service'
import { requireRole } from '../../books/book-access'
import type { BookService } from '../../books/book-service'
import { BOOK_ID_PATTERN } from '../../relay/book-id'
import { ROLES, type BookDirectory } from '../../store/book-directory'
import { requireIdentity, type AuthEnv } from '../auth-middleware'
import { HttpError } from '../http-error'
import { readJson } from '../request-body'

const createBookSchema = z.strictObject({
  id: z.string().regex(BOOK_ID_PATTERN, 'letters, digits and . _ - only, up to 128, starting with a letter or digit'),
  name: z.string().trim().min(1).max(200),
})
const memberSchema = z.strictObject({ role: z.enum(ROLES) })

const userParam = (raw: string): string => {
  if (!USER_ID_PATTERN.test(raw)) throw new HttpError(400, 'invalid-user', 'not a valid user id')
  return raw
}

export const bookRoutes = ({ tokens, directory, books }: { tokens: TokenService; directory: BookDirectory; books: BookService }) =>
  new Hono<AuthEnv>()
    .use(requireIdentity(tokens))
    .get('/', async (c) => c.json({ books: await directory.listBooksFor(c.get('identity').userId) }))
    .post('/', async (c) => {
      const body = await readJson(c, createBookSchema)
      const info = await books.create(body, c.get('identity').userId)
      return c.json({ ...info, role: 'owner' }, 201)
    })
    .get('/:bookId', async (c) => {
      const bookId = c.req.param('bookId')
      const role = await requireRole(directory, bookId, c.get('identity').userId, 'viewer')
      const info = await directory.getBook(bookId)
      return c.json({ ...info, role })
    })
    .get('/:bookId/members', async (c) => {
      const bookId = c.req.param('bookId')
      await requireRole(directory, bookId, c.get('identity').userId, 'viewer')
      return c.json({ members: await directory.listMembers(bookId) })
    })
    .put('/:bookId/members/:user', async (c) => {
      const bookId = c.req.param('bookId')
      const user = userParam(c.req.param('user'))
      await requireRole(directory, bookId, c.get('identity').userId, 'owner')
      const { role } = await readJson(c, memberSchema)
      // The directory keeps a book's last owner (409 last-owner), atomically with the change.
      await directory.setMember(bookId, user, role)
      return c.json({ userId: user, role })
    })
    .delete('/:bookId/members/:user', async (c) => {
      const bookId = c.req.param('bookId')
      const user = userParam(c.req.param('user'))
      await requireRole(directory, bookId, c.get('identity').userId, 'owner')
      await directory.removeMember(bookId, user)
      return c.body(null, 204)
    })
