// The app's webhook settings (target URL, concurrency) and event subscriptions, as the
// webhooks v3 API manages them; persisted with the rest of the emulator's state.
import { EmulatorError } from '../errors'
import type { Persistence } from '../store/persistence'

export const WEBHOOK_EVENT_TYPES = [
  'company.creation', 'company.deletion', 'company.propertyChange',
  'contact.creation', 'contact.deletion', 'contact.propertyChange',
  'deal.creation', 'deal.deletion', 'deal.propertyChange',
] as const
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

export interface WebhookSettings {
  targetUrl: string
  throttling: { maxConcurrentRequests: number }
  createdAt: string
  updatedAt: string
}

export interface WebhookSubscription {
  id: string
  eventType: WebhookEventType
  propertyName?: string
  active: boolean
  createdAt: string
  updatedAt: string
}

export class WebhookRegistry {
  private settingsValue: WebhookSettings | undefined
  private readonly subscriptions = new Map<string, WebhookSubscription>()
  private nextId = 1

  constructor(
    private readonly persistence: Persistence,
    private readonly now: () => string,
  ) {
    for (const [key, value] of persistence.load('webhook')) {
      if (key === 'settings') this.settingsValue = value as WebhookSettings
      else if (key.startsWith('subscription:')) {
        const sub = value as WebhookSubscription
        this.subscriptions.set(sub.id, sub)
        this.nextId = Math.max(this.nextId, Number(sub.id) + 1)
      }
    }
  }

  get settings(): WebhookSettings | undefined {
    return this.settingsValue
  }

  setSettings(targetUrl: string, maxConcurrentRequests: number): WebhookSettings {
    const at = this.now()
    this.settingsValue = { targetUrl, throttling: { maxConcurrentRequests }, createdAt: this.settingsValue?.createdAt ?? at, updatedAt: at }
    this.persistence.put('webhook', 'settings', this.settingsValue)
    return this.settingsValue
  }

  clearSettings(): void {
    this.settingsValue = undefined
    this.persistence.remove('webhook', 'settings')
  }

  list(): WebhookSubscription[] {
    return [...this.subscriptions.values()]
  }

  get(id: string): WebhookSubscription {
    const sub = this.subscriptions.get(id)
    if (!sub) throw new EmulatorError('not-found', `Subscription ${id} not found`)
    return sub
  }

  create(eventType: WebhookEventType, propertyName: string | undefined, active: boolean): WebhookSubscription {
    if (eventType.endsWith('.propertyChange') && !propertyName) {
      throw new EmulatorError('validation', `A ${eventType} subscription needs a propertyName`)
    }
    const duplicate = this.list().find((s) => s.eventType === eventType && s.propertyName === propertyName)
    if (duplicate) throw new EmulatorError('conflict', `A subscription for ${eventType}${propertyName ? ` on ${propertyName}` : ''} already exists (id ${duplicate.id})`)
    const at = this.now()
    const sub: WebhookSubscription = {
      id: String(this.nextId++),
      eventType,
      ...(propertyName ? { propertyName } : {}),
      active,
      createdAt: at,
      updatedAt: at,
    }
    this.save(sub)
    return sub
  }

  setActive(id: string, active: boolean): WebhookSubscription {
    const sub = { ...this.get(id), active, updatedAt: this.now() }
    this.save(sub)
    return sub
  }

  remove(id: string): void {
    this.get(id)
    this.subscriptions.delete(id)
    this.persistence.remove('webhook', `subscription:${id}`)
  }

  private save(sub: WebhookSubscription): void {
    this.subscriptions.set(sub.id, sub)
    this.persistence.put('webhook', `subscription:${sub.id}`, sub)
  }
}
