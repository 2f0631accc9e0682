// The people at a customer: contacts live in the customer's `contacts` Y.Map, keyed by id.
import type * as Y from 'yjs'
import { CONTACT_FIELDS, type Contact, type NewContact } from './customer-schema'
import { addChild, removeChild, updateChild } from './child-records'
import { ContactNotFoundError } from './model-error'

/** Field updates for a contact: omitted fields stay, null or '' clears a field. */
export type ContactUpdate = { [K in Exclude<keyof Contact, 'id'>]?: Contact[K] | null }

export function addContact(doc: Y.Doc, customerId: string, contact: NewContact, origin?: unknown): string {
  return addChild(doc, customerId, 'contacts', CONTACT_FIELDS, contact, origin)
}

export function updateContact(
  doc: Y.Doc,
  customerId: string,
  contactId: string,
  partial: ContactUpdate,
  origin?: unknown,
): void {
  if (!updateChild(doc, customerId, 'contacts', contactId, CONTACT_FIELDS, partial, origin)) {
    throw new ContactNotFoundError(customerId, contactId)
  }
}

/** Returns false when the contact was already gone. */
export function removeContact(doc: Y.Doc, customerId: string, contactId: string, origin?: unknown): boolean {
  return removeChild(doc, customerId, 'contacts', contactId, origin)
}
