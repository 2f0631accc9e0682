// PostgreSQL's environment variables as one zod shape, spread into the server's configSchema
// (config.ts) and the stand-alone bridge's (bridge/standalone-config.ts), since both open the store.
import { z } from 'zod'

/**
 * The pool's statement_timeout unless configured. Far above any statement the stores run (a
 * compaction writing the 16 MiB bench book takes about 0.1 s, loading it 0.12 s), and short enough
 * that a request stuck on a lock fails, its connection free again, before the 60 s a load
 * balancer usually waits for an answer.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000

export const postgresConfigShape = {
  /** A statement running longer is cancelled (the API answers 503, the relay closes with 1013); 0 never. */
  PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(2_147_483_647).default(DEFAULT_STATEMENT_TIMEOUT_MS),
} as const
