// HubSpot-like rate limits per token: a rolling window for the API (TEN_SECONDLY_ROLLING), a
// per-second limit for search (SECONDLY; search is exempt from the rolling one), and a daily cap.
import { EmulatorError } from '../errors'

export interface RateLimitOptions {
  /** Rolling window length; HubSpot's is 10 s. */
  windowMs: number
  /** Requests allowed per window (HubSpot: 100 for a free/starter private app, 190 professional). */
  maxPerWindow: number
  /** Search window (HubSpot: 1 s) and requests allowed in it (HubSpot: 5). */
  searchWindowMs: number
  searchMaxPerWindow: number
  /** Requests per day (HubSpot: 250,000 on free/starter). */
  daily: number
}

export const HUBSPOT_RATE_LIMITS: RateLimitOptions = {
  windowMs: 10_000,
  maxPerWindow: 100,
  searchWindowMs: 1_000,
  searchMaxPerWindow: 5,
  daily: 250_000,
}

const DAY_MS = 86_400_000

export class RateLimiter {
  private readonly hits = new Map<string, number[]>()
  private readonly daily = new Map<string, { day: number; count: number }>()

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: () => number,
  ) {}

  /** Counts one request; returns the headers to send, or throws HubSpot's 429. */
  take(key: string, kind: 'standard' | 'search'): Record<string, string> {
    const now = this.clock()
    const o = this.options
    const day = Math.floor(now / DAY_MS)
    const daily = this.daily.get(key)?.day === day ? this.daily.get(key)! : { day, count: 0 }
    const dailyHeaders = {
      'X-HubSpot-RateLimit-Daily': String(o.daily),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, o.daily - daily.count - 1)),
    }
    if (daily.count >= o.daily) {
      throw limited('You have reached your daily limit.', 'DAILY', { ...dailyHeaders, 'X-HubSpot-RateLimit-Daily-Remaining': '0' })
    }
    const [windowMs, max] = kind === 'search' ? [o.searchWindowMs, o.searchMaxPerWindow] : [o.windowMs, o.maxPerWindow]
    const bucketKey = `${kind}:${key}`
    const recent = (this.hits.get(bucketKey) ?? []).filter((t) => t > now - windowMs)
    const windowHeaders: Record<string, string> = kind === 'search'
      ? { 'X-HubSpot-RateLimit-Secondly': String(max), 'X-HubSpot-RateLimit-Secondly-Remaining': String(Math.max(0, max - recent.length - 1)) }
      : {
          'X-HubSpot-RateLimit-Interval-Milliseconds': String(windowMs),
          'X-HubSpot-RateLimit-Max': String(max),
          'X-HubSpot-RateLimit-Remaining': String(Math.max(0, max - recent.length - 1)),
        }
    if (recent.length >= max) {
      this.hits.set(bucketKey, recent)
      const zero: Record<string, string> = kind === 'search' ? { 'X-HubSpot-RateLimit-Secondly-Remaining': '0' } : { 'X-HubSpot-RateLimit-Remaining': '0' }
      const headers = { ...windowHeaders, ...zero, ...dailyHeaders }
      throw kind === 'search'
        ? limited('You have reached your secondly limit.', 'SECONDLY', headers)
        : limited('You have reached your ten_secondly_rolling limit.', 'TEN_SECONDLY_ROLLING', headers)
    }
    recent.push(now)
    this.hits.set(bucketKey, recent)
    this.daily.set(key, { day, count: daily.count + 1 })
    return { ...windowHeaders, ...dailyHeaders }
  }

  reset(): void {
    this.hits.clear()
    this.daily.clear()
  }
}

function limited(message: string, policyName: string, headers: Record<string, string>): EmulatorError {
  return new EmulatorError('rate-limited', message, { extra: { errorType: 'RATE_LIMIT', policyName }, headers })
}
