// readJson: a body the server stopped waiting for is a timeout (408), not the client's bad JSON.
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { isHttpError } from './http-error'
import { readJson } from './request-body'
import { RequestBodyTimeoutError } from './request-body-timeouts'

const appCatching = (seen: unknown[]) =>
  new Hono()
    .post('/', async (c) => c.json(await readJson(c, z.unknown())))
    .onError((e, c) => {
      seen.push(e)
      return c.json({ code: isHttpError(e) ? e.code : 'internal' }, isHttpError(e) ? e.status : 500)
    })

const post = (app: Hono, body: BodyInit) =>
  app.request('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit)

describe('readJson', () => {
  it('reports a body cut by the server\'s timeout as request-timed-out, with the timeout as cause', async () => {
    const seen: unknown[] = []
    const timeout = new RequestBodyTimeoutError('idle', 400)
    const body = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(new TextEncoder().encode('{"user":')),
      pull: (c) => c.error(timeout),
    })
    const res = await post(appCatching(seen), body)
    expect(res.status).toBe(408)
    expect(seen).toEqual([expect.objectContaining({ code: 'request-timed-out', cause: timeout })])
  })

  it('still reports malformed JSON as invalid-json', async () => {
    const seen: unknown[] = []
    const res = await post(appCatching(seen), '{"user":')
    expect(res.status).toBe(400)
    expect(seen).toEqual([expect.objectContaining({ code: 'invalid-json' })])
  })
})
