// The one place where thrown errors become HTTP answers.
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Logger } from 'pino'
import { z } from 'zod'
import { isModelError } from '@crm-sync/model'
import { isAuthError } from '../auth/auth-error'
import { isTokenKeysUnavailable } from '../auth/token-keys-error'
import { isStoreError } from '../store/store-error'
import { isHttpError } from './http-error'

const body = (code: string, message: string, details?: unknown) => ({ error: { code, message, ...(details === undefined ? {} : { details }) } })

export const createErrorHandler = (log: Logger) => (err: Error, c: Context) => {
  const json = (status: ContentfulStatusCode, code: string, message: string, details?: unknown) => c.json(body(code, message, details), status)
  if (isHttpError(err)) {
    // Not the request's fault, and not for long (an import the store stopped answering in time).
    if (err.status === 503) c.header('Retry-After', '5')
    return json(err.status, err.code, err.message, err.details)
  }
  if (isAuthError(err)) return json(err.status, err.code, err.message)
  if (isTokenKeysUnavailable(err)) {
    log.error({ err, path: c.req.path }, 'tokens cannot be verified')
    c.header('Retry-After', '5')
    return json(503, err.code, 'tokens cannot be verified right now; try again shortly')
  }
  if (err instanceof z.ZodError) {
    return json(400, 'invalid-body', 'request body is not valid', err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })))
  }
  if (isStoreError(err, 'conflict')) return json(409, 'conflict', err.message)
  if (isStoreError(err, 'not-found')) return json(404, 'not-found', err.message)
  if (isStoreError(err, 'last-owner')) return json(409, 'last-owner', err.message)
  if (isStoreError(err, 'timeout')) {
    // A locked table or a busy database, not the client's fault: it may well answer shortly.
    log.warn({ err, path: c.req.path }, 'the store did not answer in time')
    c.header('Retry-After', '5')
    return json(503, 'store-timeout', 'the database did not answer in time; try again shortly')
  }
  if (isModelError(err)) return json(err.code === 'customer-not-found' ? 404 : 400, err.code, err.message)
  log.error({ err, path: c.req.path }, 'unhandled error in HTTP handler')
  return json(500, 'internal', 'internal server error')
}
