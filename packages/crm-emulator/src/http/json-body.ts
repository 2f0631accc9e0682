// Reads and validates a JSON request body: malformed JSON and bodies of the wrong shape both
// become HubSpot-shaped 400s that say what was wrong and where.
import type { Context } from 'hono'
import type { z } from 'zod'
import { EmulatorError } from '../errors'

export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text()
  let data: unknown
  try {
    data = text.trim() === '' ? undefined : JSON.parse(text)
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause)
    throw new EmulatorError('invalid-json', `Invalid input JSON: ${detail}`, { cause })
  }
  if (data === undefined) throw new EmulatorError('invalid-json', 'Invalid input JSON: the request body is empty')
  return parseWith(schema, data)
}

export function parseWith<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data)
  if (parsed.success) return parsed.data
  const errors = parsed.error.issues.map((issue) => ({
    message: issue.message,
    in: issue.path.length > 0 ? issue.path.join('.') : 'body',
    code: issue.code,
  }))
  const summary = errors.map((e) => `${e.in}: ${e.message}`).join('; ')
  throw new EmulatorError('validation', `Invalid input: ${summary}`, { errors })
}
