// Reads a JSON body and validates it with a zod schema; malformed JSON is a 400, not a 500.
import type { Context } from 'hono'
import type { z } from 'zod'
import { HttpError } from './http-error'
import { bodyTimeoutIn } from './request-body-timeouts'

export const readJson = async <S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> => {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw new HttpError(415, 'unsupported-media-type', 'send the body as application/json')
  let raw: unknown
  try {
    raw = await c.req.json()
  } catch (e) {
    // The server stopped waiting for the body (and has answered 408): not the client's JSON.
    const timeout = bodyTimeoutIn(e)
    if (timeout) throw new HttpError(408, 'request-timed-out', timeout.message, { reason: timeout.reason, limitMs: timeout.limitMs }, { cause: timeout })
    throw new HttpError(400, 'invalid-json', 'body is not valid JSON', undefined, { cause: e })
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    throw new HttpError(400, 'invalid-body', 'request body is not valid', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })))
  }
  return parsed.data
}
