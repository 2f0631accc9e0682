// Dev login (off when AUTH_MODE=jwt) and "who am I".
import { Hono } from 'hono'
import { setCookie } from 'hono/cookie'
import { z } from 'zod'
import { AuthError } from '../../auth/auth-error'
import { TOKEN_COOKIE } from '../../auth/extract-token'
import { USER_ID_PATTERN } from '../../auth/identity'
import type { TokenService } from '../../auth/token-service'
import { requireIdentity, type AuthEnv } from '../auth-middleware'
import { readJson } from '../request-body'

const devLoginSchema = z.strictObject({
  user: z.string().trim().regex(USER_ID_PATTERN, 'letters, digits and . _ @ - only, up to 128'),
  name: z.string().trim().min(1).max(100).optional(),
})

export const authRoutes = ({ tokens, devLogin }: { tokens: TokenService; devLogin: boolean }) =>
  new Hono<AuthEnv>()
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
