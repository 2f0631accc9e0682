// Typed errors of the emulator, each mapped once to HubSpot's error body and HTTP status
// (the `Error` schema of the CRM v3 OpenAPI specs: status, message, correlationId, category).

export const EMULATOR_ERROR_CODES = [
  'validation',
  'invalid-json',
  'not-found',
  'conflict',
  'unauthorized',
  'rate-limited',
  'payload-too-large',
  'injected-fault',
  'internal',
] as const
export type EmulatorErrorCode = (typeof EMULATOR_ERROR_CODES)[number]

/** One entry of HubSpot's `errors` array (ErrorDetail). */
export interface ErrorDetail {
  message: string
  code?: string
  in?: string
  subCategory?: string
  context?: Record<string, string[]>
}

const STATUS: Record<EmulatorErrorCode, number> = {
  validation: 400,
  'invalid-json': 400,
  'not-found': 404,
  conflict: 409,
  unauthorized: 401,
  'rate-limited': 429,
  'payload-too-large': 413,
  'injected-fault': 500,
  internal: 500,
}

const CATEGORY: Record<EmulatorErrorCode, string> = {
  validation: 'VALIDATION_ERROR',
  'invalid-json': 'VALIDATION_ERROR',
  'not-found': 'OBJECT_NOT_FOUND',
  conflict: 'CONFLICT',
  unauthorized: 'INVALID_AUTHENTICATION',
  'rate-limited': 'RATE_LIMITS',
  'payload-too-large': 'VALIDATION_ERROR',
  'injected-fault': 'INTERNAL_ERROR',
  internal: 'INTERNAL_ERROR',
}

export interface EmulatorErrorOptions {
  status?: number
  category?: string
  context?: Record<string, string[]>
  errors?: ErrorDetail[]
  /** Extra top-level fields of the body (e.g. `policyName` of a 429). */
  extra?: Record<string, unknown>
  /** Extra response headers (e.g. rate-limit headers). */
  headers?: Record<string, string>
  cause?: unknown
}

export class EmulatorError extends Error {
  readonly code: EmulatorErrorCode
  readonly status: number
  readonly category: string
  readonly context: Record<string, string[]> | undefined
  readonly errors: ErrorDetail[] | undefined
  readonly extra: Record<string, unknown> | undefined
  readonly headers: Record<string, string> | undefined

  constructor(code: EmulatorErrorCode, message: string, options: EmulatorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'EmulatorError'
    this.code = code
    this.status = options.status ?? STATUS[code]
    this.category = options.category ?? CATEGORY[code]
    this.context = options.context
    this.errors = options.errors
    this.extra = options.extra
    this.headers = options.headers
  }
}

export const isEmulatorError = (e: unknown): e is EmulatorError => e instanceof EmulatorError

/** HubSpot's error body. */
export interface HubSpotErrorBody {
  status: 'error'
  message: string
  correlationId: string
  category: string
  context?: Record<string, string[]>
  errors?: ErrorDetail[]
  [extra: string]: unknown
}

export function toErrorBody(error: EmulatorError, correlationId: string): HubSpotErrorBody {
  return {
    status: 'error',
    message: error.message,
    correlationId,
    category: error.category,
    ...(error.context ? { context: error.context } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
    ...error.extra,
  }
}

export const notFound = (what: string): EmulatorError =>
  new EmulatorError('not-found', `${what} not found`)

export const validation = (message: string, errors?: ErrorDetail[]): EmulatorError =>
  new EmulatorError('validation', message, errors ? { errors } : {})
