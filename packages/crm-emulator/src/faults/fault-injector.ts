// Decides, request by request, which configured fault to inject: error statuses, latency,
// committed-but-dropped responses, and what happens to each webhook batch.
import { EmulatorError } from '../errors'
import { seededRandom, type Random } from '../random'
import { faultConfigSchema, NO_FAULTS, type FaultConfig, type FaultConfigInput } from './fault-config'

export interface RequestFaults {
  latencyMs: number
  error?: EmulatorError
  dropResponse: boolean
}

export interface WebhookFaults {
  drop: boolean
  duplicate: boolean
}

export interface FaultStats {
  injected: number
  byKind: Record<'429' | '500' | '503' | 'dropResponse' | 'webhookDrop' | 'webhookDuplicate', number>
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export class FaultInjector {
  private config: FaultConfig = NO_FAULTS
  private random: Random = Math.random
  private stats: FaultStats = emptyStats()

  constructor(initial: FaultConfigInput = {}) {
    this.set(initial)
  }

  /** Replaces the whole configuration (unset fields go back to no fault) and resets the counters. */
  set(input: FaultConfigInput): FaultConfig {
    this.config = faultConfigSchema.parse(input)
    this.random = this.config.seed === null ? Math.random : seededRandom(this.config.seed)
    this.stats = emptyStats()
    return this.config
  }

  get current(): FaultConfig {
    return this.config
  }

  get counters(): FaultStats {
    return structuredClone(this.stats)
  }

  forRequest(method: string, isSearch: boolean): RequestFaults {
    const c = this.config
    const latencyMs = c.latencyMs + (c.latencyJitterMs > 0 ? Math.floor(this.random() * (c.latencyJitterMs + 1)) : 0)
    const roll = this.random()
    let error: EmulatorError | undefined
    if (roll < c.rate429 && this.spend('429')) error = rateLimitFault()
    else if (roll < c.rate429 + c.rate500 && this.spend('500')) {
      error = new EmulatorError('injected-fault', 'internal error (injected by the emulator)', { status: 500, category: 'INTERNAL_ERROR' })
    } else if (roll < c.rate429 + c.rate500 + c.rate503 && this.spend('503')) {
      error = new EmulatorError('injected-fault', 'Service unavailable (injected by the emulator)', { status: 503, category: 'SERVICE_UNAVAILABLE' })
    }
    const dropResponse = !error && WRITE_METHODS.has(method) && !isSearch && this.random() < c.dropResponseRate && this.spend('dropResponse')
    return error ? { latencyMs, error, dropResponse: false } : { latencyMs, dropResponse }
  }

  forWebhookBatch(): WebhookFaults {
    const drop = this.random() < this.config.webhookDropRate && this.spend('webhookDrop')
    const duplicate = !drop && this.random() < this.config.webhookDuplicateRate && this.spend('webhookDuplicate')
    return { drop, duplicate }
  }

  get reorderWebhooks(): boolean {
    return this.config.webhookReorder
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1))
      ;[items[i], items[j]] = [items[j] as T, items[i] as T]
    }
    return items
  }

  private spend(kind: keyof FaultStats['byKind']): boolean {
    if (this.config.maxFaults !== null && this.stats.injected >= this.config.maxFaults) return false
    this.stats.injected++
    this.stats.byKind[kind]++
    return true
  }
}

function emptyStats(): FaultStats {
  return { injected: 0, byKind: { '429': 0, '500': 0, '503': 0, dropResponse: 0, webhookDrop: 0, webhookDuplicate: 0 } }
}

export function rateLimitFault(headers?: Record<string, string>): EmulatorError {
  return new EmulatorError('rate-limited', 'You have reached your ten_secondly_rolling limit.', {
    extra: { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
    ...(headers ? { headers } : {}),
  })
}
