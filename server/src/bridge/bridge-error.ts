// Typed failures of the bridge: CRM calls (rate limits, transient faults, rejected input), state
// store problems and bad configuration, each with a `code` the retry logic and the HTTP layer act on.

export const BRIDGE_ERROR_CODES = [
  /** The CRM said 429; `retryAfterMs` says when its window frees up. */
  'rate-limited',
  /** 5xx, timeout or network failure: worth retrying with backoff. */
  'transient',
  /** The CRM refused the input (4xx other than 401/404/409/429): retrying the same input won't help. */
  'rejected',
  /** A unique-value clash (409). */
  'conflict',
  'not-found',
  /** 401/403: the token is wrong; nothing works until configuration changes. */
  'unauthorized',
  /** The daily request budget is spent. */
  'quota-exhausted',
  'state-store',
  'config',
  'stopped',
] as const
export type BridgeErrorCode = (typeof BRIDGE_ERROR_CODES)[number]

export class BridgeError extends Error {
  override readonly name = 'BridgeError'
  readonly status: number | undefined
  readonly retryAfterMs: number | undefined
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
    options: { cause?: unknown; status?: number; retryAfterMs?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.status = options.status
    this.retryAfterMs = options.retryAfterMs
  }

  /** Whether calling again later may succeed. */
  get retryable(): boolean {
    return this.code === 'rate-limited' || this.code === 'transient'
  }
}

export const isBridgeError = (e: unknown, code?: BridgeErrorCode): e is BridgeError =>
  e instanceof BridgeError && (code === undefined || e.code === code)
