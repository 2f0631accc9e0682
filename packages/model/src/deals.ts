// Opportunities with a customer: deals live in the customer's `deals` Y.Map, keyed by id.
import type * as Y from 'yjs'
import { DEAL_FIELDS, type Deal, type NewDeal } from './customer-schema'
import { addChild, removeChild, updateChild } from './child-records'
import { DealNotFoundError, ModelError } from './model-error'

/** Field updates for a deal: omitted fields stay, null or '' clears a field (not the name). */
export type DealUpdate = { [K in Exclude<keyof Deal, 'id'>]?: Deal[K] | null }

export function addDeal(doc: Y.Doc, customerId: string, deal: NewDeal, origin?: unknown): string {
  checkDeal(deal)
  return addChild(doc, customerId, 'deals', DEAL_FIELDS, deal, origin)
}

export function updateDeal(doc: Y.Doc, customerId: string, dealId: string, partial: DealUpdate, origin?: unknown): void {
  checkDeal(partial)
  if (!updateChild(doc, customerId, 'deals', dealId, DEAL_FIELDS, partial, origin)) {
    throw new DealNotFoundError(customerId, dealId)
  }
}

/** Returns false when the deal was already gone. */
export function removeDeal(doc: Y.Doc, customerId: string, dealId: string, origin?: unknown): boolean {
  return removeChild(doc, customerId, 'deals', dealId, origin)
}

export function checkDeal(deal: DealUpdate): void {
  if ('name' in deal && (deal.name === null || deal.name === '')) {
    throw new ModelError('invalid-input', 'a deal needs a name')
  }
  if (deal.amount !== undefined && deal.amount !== null && !Number.isFinite(deal.amount)) {
    throw new ModelError('invalid-input', `deal amount must be a finite number, got ${deal.amount}`)
  }
}
