// Puts the caller's verified identity on the context, or answers 401.
import { createMiddleware } from 'hono/factory'
import { AuthError } from '../auth/auth-error'
import { extractToken } from '../auth/extract-token'
import type { Identity } from '../auth/identity'
import type { TokenService } from '../auth/token-service'

export type AuthEnv = { Variables: { identity: Identity } }

export const requireIdentity = (tokens: TokenService) =>
  createMiddleware<AuthEnv>(async (c, next) => {
    const token = extractToken({ authorization: c.req.header('authorization'), cookie: c.req.header('cookie'), url: c.req.url })
    if (!token) throw new AuthError('no-token', 'sign in first: send a token as Bearer header, cookie or ?token=')
    c.set('identity', await tokens.verify(token))
    await next()
  })
