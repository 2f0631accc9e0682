// The fault-injection settings, one zod schema shared by the environment, the factory options
// and POST /__emulator/faults, so every way of setting faults validates the same way.
import { z } from 'zod'
import { MAX_SEARCH_LAG_MS } from '../store/record-history'

const rate = z.number().min(0).max(1)

export const faultConfigSchema = z.object({
  /** Share of API requests answered 429 (a TEN_SECONDLY_ROLLING body), 500 or 503 instead of served. */
  rate429: rate.default(0),
  rate500: rate.default(0),
  rate503: rate.default(0),
  /** Added to every API request, plus up to `latencyJitterMs` at random. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  latencyJitterMs: z.number().int().min(0).max(60_000).default(0),
  /** Share of writes that are committed but whose response is lost (connection reset or 504). */
  dropResponseRate: rate.default(0),
  dropResponseMode: z.enum(['reset', 'gateway-timeout']).default('reset'),
  /** Share of webhook batches never delivered, delivered twice; and whether batches arrive shuffled. */
  webhookDropRate: rate.default(0),
  webhookDuplicateRate: rate.default(0),
  webhookReorder: z.boolean().default(false),
  /**
   * Search sees each record as it was this long ago, as HubSpot's search index lags writes
   * ("a few moments"): new records are missing, changed or archived ones show their old version.
   */
  searchLagMs: z.number().int().min(0).max(MAX_SEARCH_LAG_MS).default(0),
  /** Stop injecting after this many faults (then behave); null for no limit. */
  maxFaults: z.number().int().min(0).nullable().default(null),
  /** Seed of the fault dice, for repeatable runs; null uses Math.random. */
  seed: z.number().int().nullable().default(null),
})

export type FaultConfig = z.output<typeof faultConfigSchema>
export type FaultConfigInput = z.input<typeof faultConfigSchema>

export const NO_FAULTS: FaultConfig = faultConfigSchema.parse({})
