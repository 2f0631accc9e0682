// The events the customer detail's sections (contacts, deals, activity log) emit; the detail
// turns them into edits through its CustomerController.
import type { ActivityKind, ContactUpdate, DealUpdate, NewContact, NewDeal } from '@crm-sync/model'

export type ContactAddDetail = { contact: NewContact }
export type ContactUpdateDetail = { contactId: string; update: ContactUpdate }
export type ContactRemoveDetail = { contactId: string }
export type DealAddDetail = { deal: NewDeal }
export type DealUpdateDetail = { dealId: string; update: DealUpdate }
export type DealRemoveDetail = { dealId: string }
export type ActivityLogDetail = { kind: ActivityKind; text: string; at: Date }

export const emit = <T>(from: HTMLElement, type: string, detail: T): void => {
  from.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }))
}
