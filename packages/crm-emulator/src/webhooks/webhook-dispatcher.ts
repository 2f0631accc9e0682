// The webhook delivery service: collects events from store changes, posts them to the app's
// target URL in signed batches of up to 100, retries failures with backoff, and applies the
// webhook faults (drop, duplicate, reorder). A service with start()/stop(); its timer is unref'd.
import type { FaultInjector } from '../faults/fault-injector'
import type { CrmStore } from '../store/crm-store'
import { eventsFor, type WebhookEvent } from './webhook-event'
import type { WebhookRegistry } from './webhook-registry'
import { signedHeaders } from './webhook-signature'

export interface WebhookDeliveryOptions {
  /** The app's client secret, key of the signatures. */
  secret: string
  appId: number
  portalId: number
  flushIntervalMs: number
  batchSize: number
  /** Attempts in all (HubSpot: 10); 5xx, 429, timeouts and network errors are retried, other 4xx are not. */
  maxAttempts: number
  /** Delay before retry n is retryBaseMs * 2^(n-1) (HubSpot spreads its retries over a day). */
  retryBaseMs: number
  timeoutMs: number
}

export const DEFAULT_WEBHOOK_DELIVERY: Omit<WebhookDeliveryOptions, 'secret' | 'appId' | 'portalId'> = {
  flushIntervalMs: 100,
  batchSize: 100,
  maxAttempts: 10,
  retryBaseMs: 1_000,
  timeoutMs: 5_000,
}

export interface WebhookStats {
  queued: number
  inFlight: number
  delivered: number
  failed: number
  retried: number
  dropped: number
  duplicated: number
}

interface Retry {
  events: WebhookEvent[]
  attempt: number
  dueAt: number
}

export class WebhookDispatcher {
  private pending: WebhookEvent[] = []
  private retries: Retry[] = []
  private readonly inFlight = new Set<Promise<void>>()
  private timer: NodeJS.Timeout | undefined
  private unsubscribe: (() => void) | undefined
  private abort = new AbortController()
  private eventId = 0
  private readonly counters = { delivered: 0, failed: 0, retried: 0, dropped: 0, duplicated: 0 }

  constructor(
    private readonly deps: {
      store: CrmStore
      registry: WebhookRegistry
      faults: FaultInjector
      clock: () => number
      fetch: typeof fetch
      options: WebhookDeliveryOptions
    },
  ) {}

  start(): void {
    if (this.timer) return
    this.abort = new AbortController()
    this.unsubscribe = this.deps.store.onChange((change) => {
      if (!this.deps.registry.settings) return
      const { appId, portalId } = this.deps.options
      this.pending.push(...eventsFor(change, this.deps.registry.list(), { appId, portalId, nextEventId: () => ++this.eventId }))
    })
    this.timer = setInterval(() => this.flush(), this.deps.options.flushIntervalMs)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.unsubscribe?.()
    this.abort.abort()
    await Promise.allSettled([...this.inFlight])
    this.pending = []
    this.retries = []
  }

  stats(): WebhookStats {
    return { queued: this.pending.length + this.retries.length, inFlight: this.inFlight.size, ...this.counters }
  }

  /** Sends what is due now (the timer calls this; tests may too). */
  flush(): void {
    const settings = this.deps.registry.settings
    if (!settings) return
    const capacity = () => settings.throttling.maxConcurrentRequests - this.inFlight.size
    const now = this.deps.clock()
    const due = this.retries.filter((r) => r.dueAt <= now)
    for (const retry of due) {
      if (capacity() <= 0) return
      this.retries.splice(this.retries.indexOf(retry), 1)
      this.send(settings.targetUrl, retry.events, retry.attempt)
    }
    if (this.pending.length === 0 || capacity() <= 0) return
    const { faults } = this.deps
    const events = faults.reorderWebhooks ? faults.shuffle(this.pending) : this.pending
    const batches: WebhookEvent[][] = []
    for (let i = 0; i < events.length; i += this.deps.options.batchSize) batches.push(events.slice(i, i + this.deps.options.batchSize))
    if (faults.reorderWebhooks) batches.reverse()
    this.pending = []
    while (batches.length > 0) {
      if (capacity() <= 0) {
        this.pending.push(...batches.flat())
        return
      }
      const batch = batches.shift() as WebhookEvent[]
      const plan = faults.forWebhookBatch()
      if (plan.drop) {
        this.counters.dropped += batch.length
        continue
      }
      this.send(settings.targetUrl, batch, 0)
      if (plan.duplicate) {
        this.counters.duplicated += batch.length
        this.send(settings.targetUrl, batch, 0)
      }
    }
  }

  private send(targetUrl: string, events: WebhookEvent[], attempt: number): void {
    const task = this.deliver(targetUrl, events, attempt).finally(() => this.inFlight.delete(task))
    this.inFlight.add(task)
  }

  private async deliver(targetUrl: string, events: WebhookEvent[], attempt: number): Promise<void> {
    const { options, clock } = this.deps
    const body = JSON.stringify(events.map((e) => ({ ...e, attemptNumber: attempt })))
    const headers = signedHeaders({ secret: options.secret, method: 'POST', uri: targetUrl, body, timestamp: String(clock()) })
    let retryable: boolean
    try {
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(options.timeoutMs)])
      const res = await this.deps.fetch(targetUrl, { method: 'POST', headers, body, signal })
      await res.body?.cancel()
      if (res.ok) {
        this.counters.delivered += events.length
        return
      }
      retryable = res.status >= 500 || res.status === 429
    } catch {
      if (this.abort.signal.aborted) return
      retryable = true
    }
    if (retryable && attempt + 1 < options.maxAttempts) {
      this.counters.retried += events.length
      this.retries.push({ events, attempt: attempt + 1, dueAt: clock() + options.retryBaseMs * 2 ** attempt })
    } else {
      this.counters.failed += events.length
    }
  }
}
