// The customer helpers of @crm-sync/model bound to one book's document and user, so app code
// writes `book.customers.set(id, 'email', v)` without passing the doc and author around.
// Everything a helper writes is a local edit: it is stored, pending, and sent to the relay.
import {
  addActivity, addContact, addDeal, archiveCustomer, createCustomer, editNotes, patchCustomer, readCustomer,
  readCustomers, removeContact, removeDeal, setCustomerField, updateContact, updateDeal,
  type ActivityInput, type ContactUpdate, type CreateCustomerOptions, type Customer, type CustomerPatch,
  type CustomerScalarField, type CustomerScalarValue, type DealUpdate, type NewContact, type NewCustomer, type NewDeal,
} from '@crm-sync/model'
import type * as Y from 'yjs'

export interface BookCustomers {
  /** Creates a customer (createdBy = the handle's userId unless given); returns its id. */
  create(input: NewCustomer, opts?: Partial<CreateCustomerOptions>): string
  set<F extends CustomerScalarField>(customerId: string, field: F, value: CustomerScalarValue<F> | null | undefined): void
  patch(customerId: string, patch: CustomerPatch): boolean
  archive(customerId: string, archived?: boolean): void
  editNotes(customerId: string, index: number, deleteCount: number, insert: string): void
  addContact(customerId: string, contact: NewContact): string
  updateContact(customerId: string, contactId: string, update: ContactUpdate): void
  removeContact(customerId: string, contactId: string): boolean
  addDeal(customerId: string, deal: NewDeal): string
  updateDeal(customerId: string, dealId: string, update: DealUpdate): void
  removeDeal(customerId: string, dealId: string): boolean
  /** Logs an activity; `by` defaults to the handle's userId. */
  addActivity(customerId: string, activity: Omit<ActivityInput, 'by'> & { by?: string }): string
  read(customerId: string): Customer | null
  list(opts?: { includeArchived?: boolean }): Customer[]
}

export const bindCustomers = (doc: Y.Doc, userId: string): BookCustomers => ({
  create: (input, opts) => createCustomer(doc, input, { by: userId, ...opts }),
  set: (id, field, value) => setCustomerField(doc, id, field, value),
  patch: (id, patch) => patchCustomer(doc, id, patch),
  archive: (id, archived = true) => archiveCustomer(doc, id, archived),
  editNotes: (id, index, deleteCount, insert) => editNotes(doc, id, index, deleteCount, insert),
  addContact: (id, contact) => addContact(doc, id, contact),
  updateContact: (id, contactId, update) => updateContact(doc, id, contactId, update),
  removeContact: (id, contactId) => removeContact(doc, id, contactId),
  addDeal: (id, deal) => addDeal(doc, id, deal),
  updateDeal: (id, dealId, update) => updateDeal(doc, id, dealId, update),
  removeDeal: (id, dealId) => removeDeal(doc, id, dealId),
  addActivity: (id, activity) => addActivity(doc, id, { ...activity, by: activity.by ?? userId }),
  read: (id) => readCustomer(doc, id),
  list: (opts) => readCustomers(doc, opts),
})
