// How the web app signs in (public), dev login (off when AUTH_MODE=jwt) and "who am I".
import { Hono } from 'hono'
import { setCookie } from 'hono/cookie'
import { z } from 'zod'
import { AuthError } from '../../auth/auth-error'
import { TOKEN_COOKIE } from '../../auth/extract-token'
import { USER_ID_PATTERN } from '../../auth/identity'
import type { SignInConfig } from '../../auth/sign-in-config'
import type { TokenService } from '../../auth/token-service'
import { requireIdentity, type AuthEnv } from '../auth-middleware'
import { readJson } from '../request-body'

const devLoginSchema = z.strictObject({
  user: z.string().trim().regex(USER_ID_PATTERN, 'letters, digits and . _ @ - only, up to 128'),
  name: z.string().trim().min(1).max(100).optional(),
})

export const authRoutes = ({ tokens, devLogin, signIn }: { tokens: TokenService; devLogin: boolean; signIn: SignInConfig }) =>
  new Hono<AuthEnv>()
    // Public: the sign-in screen asks before anyone is signed in. Only what the IdP publishes anyway.
    // The app keeps its own copy for offline starts, so caches need not: always asked afresh.
    .get('/config', (c) => {
      c.header('cache-control', 'no-cache')
      return c.json(signIn)
    })
    .post('/dev-login', async (c) => {
      if (!devLogin) throw new AuthError('dev-login-off', 'dev login is off (AUTH_MODE=jwt)')
      const { user, name } = await readJson(c, devLoginSchema)
      const token = await tokens.issue({ userId: user, name: name ?? user })
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 12 * 3600 })
      return c.json({ token, user: { id: user, name: name ?? user } })
    })
    .get('/me', requireIdentity(tokens), (c) => {
      const { userId, name } = c.get('identity')
      return c.json({ id: userId, name })
    })
