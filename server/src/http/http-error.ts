// Errors the HTTP layer answers with a specific status and a JSON body { error: { code, message } }.

export class HttpError extends Error {
  override readonly name = 'HttpError'
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 422 | 500 | 503 | 507,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export const isHttpError = (e: unknown): e is HttpError => e instanceof HttpError
