// Reconnect delays: exponential with "equal jitter" (half fixed, half random), so a relay that
// restarts is not hit by every device at the same instant, and no device retries in a tight loop.
// y-websocket's own backoff has no jitter, which is why the client schedules reconnects itself.

export interface BackoffOptions {
  /** Delay cap for the first retry; doubles per failed attempt. Default 500 ms. */
  readonly initialMs?: number
  /** Upper bound of the delay. Default 30 s. */
  readonly maxMs?: number
}

export const BACKOFF_DEFAULTS = { initialMs: 500, maxMs: 30_000 } as const satisfies BackoffOptions

/** Delay before retry number `attempt` (0 for the first retry), in [cap/2, cap). */
export const backoffDelay = (attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number => {
  const o = { ...BACKOFF_DEFAULTS, ...opts }
  const cap = Math.min(o.maxMs, o.initialMs * 2 ** Math.min(attempt, 30))
  return cap / 2 + random() * (cap / 2)
}
