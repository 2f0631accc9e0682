// What /health asks each dependency (the store, the fan-out), and how long it waits for an answer.

export interface HealthCheck {
  readonly name: string
  check(): Promise<void>
}

/**
 * How long /health waits for a check: a dependency that does not answer (a stopped database) is
 * reported as failing, promptly, instead of holding the probe until the load balancer gives up.
 * A check that holds something while it waits (a pooled connection) should let go by then too.
 */
export const HEALTH_CHECK_DEADLINE_MS = 5_000
