// Bearer-token authentication of the API (private-app style), plus `hapikey` developer keys for
// the webhooks API as the SDK sends them: 401 with HubSpot's body otherwise.
import { createMiddleware } from 'hono/factory'
import { EmulatorError } from '../errors'
import type { EmulatorEnv } from './hono-env'

export interface AuthOptions {
  token: string
  developerApiKey: string
}

export function authMiddleware(options: AuthOptions) {
  return createMiddleware<EmulatorEnv>(async (c, next) => {
    const header = c.req.header('authorization')
    const hapikey = c.req.query('hapikey')
    if (header === undefined && hapikey === undefined) {
      throw new EmulatorError('unauthorized', 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview')
    }
    const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1]
    const ok = bearer === options.token || (hapikey !== undefined && hapikey === options.developerApiKey && c.req.path.startsWith('/webhooks/'))
    if (!ok) throw new EmulatorError('unauthorized', 'The access token used to make this call is not valid.')
    await next()
  })
}
