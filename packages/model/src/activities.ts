// The visit/call log of a customer: an append-mostly Y.Array of Y.Maps, so entries logged on
// several devices at once all survive, in the order the merge gives them.
import * as Y from 'yjs'
import { ACTIVITY_KINDS, type ActivityKind } from './customer-schema'
import { getCustomerMap, invalid, isYArray, nested } from './customer-map'
import { newId } from './new-id'

export type ActivityInput = { kind: ActivityKind; text: string; by: string; at?: string; id?: string }

export function activitiesArray(customer: Y.Map<unknown>): Y.Array<Y.Map<unknown>> {
  return nested(customer, 'activities', () => new Y.Array<unknown>(), isYArray) as Y.Array<Y.Map<unknown>>
}

/** Builds the Y.Map of one activity (not yet inserted). `at` defaults to `now`. */
export function makeActivityMap(activity: ActivityInput, now: Date): { id: string; map: Y.Map<unknown> } {
  if (!(ACTIVITY_KINDS as readonly string[]).includes(activity.kind)) {
    throw invalid(`unknown activity kind ${String(activity.kind)}`)
  }
  const id = activity.id || newId()
  const map = new Y.Map<unknown>()
  map.set('id', id)
  map.set('kind', activity.kind)
  map.set('at', activity.at ?? now.toISOString())
  map.set('by', activity.by)
  map.set('text', activity.text)
  return { id, map }
}

export function addActivity(doc: Y.Doc, customerId: string, activity: ActivityInput, origin?: unknown): string {
  const customer = getCustomerMap(doc, customerId)
  const { id, map } = makeActivityMap(activity, new Date())
  doc.transact(() => activitiesArray(customer).push([map]), origin)
  return id
}
