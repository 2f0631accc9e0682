// The JSON of one webhook event as HubSpot posts it (an array of these per request), made from
// a store change for each active subscription that wants it.
import { OBJECT_TYPE_INFO } from '../store/object-types'
import type { ChangeEvent } from '../store/crm-record'
import type { WebhookSubscription } from './webhook-registry'

export interface WebhookEvent {
  eventId: number
  subscriptionId: number
  portalId: number
  appId: number
  occurredAt: number
  subscriptionType: string
  attemptNumber: number
  objectId: number
  changeSource: string
  changeFlag?: 'NEW' | 'DELETED'
  propertyName?: string
  propertyValue?: string
}

export function eventsFor(
  change: ChangeEvent,
  subscriptions: readonly WebhookSubscription[],
  ids: { portalId: number; appId: number; nextEventId: () => number },
): WebhookEvent[] {
  const subscriptionType = `${OBJECT_TYPE_INFO[change.objectType].singular}.${change.kind}`
  return subscriptions
    .filter((s) => s.active && s.eventType === subscriptionType && (change.kind !== 'propertyChange' || s.propertyName === change.propertyName))
    .map((s) => ({
      eventId: ids.nextEventId(),
      subscriptionId: Number(s.id),
      portalId: ids.portalId,
      appId: ids.appId,
      occurredAt: change.occurredAt,
      subscriptionType,
      attemptNumber: 0,
      objectId: Number(change.objectId),
      changeSource: change.changeSource,
      ...(change.kind === 'creation' ? { changeFlag: 'NEW' as const } : {}),
      ...(change.kind === 'deletion' ? { changeFlag: 'DELETED' as const } : {}),
      ...(change.kind === 'propertyChange' ? { propertyName: change.propertyName, propertyValue: change.propertyValue ?? '' } : {}),
    }))
}
