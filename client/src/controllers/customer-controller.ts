// One customer for the detail screen: its plain form, re-read whenever anything in its subtree
// changes (here or on another device), and the edits the screen can make. Every edit goes
// through the model helpers bound to the book, so it is stored locally and synced. While the
// book's document loads, the customer comes from the saved projection and nothing is editable;
// nor while the user's role is unknown or viewer (re-rendered when the role changes).
import { ContextConsumer } from '@lit/context'
import {
  customersMap,
  type ActivityKind, type AddressField, type ContactUpdate, type Customer, type CustomerScalarField,
  type CustomerScalarValue, type DealUpdate, type NewContact, type NewDeal,
} from '@crm-sync/model'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import * as Y from 'yjs'
import type { BookSession } from '../book/book-session'
import { bookSessionContext } from '../context/book-session-context'
import type { FormPlace } from './record-draft-controller'

export class CustomerController implements ReactiveController {
  customer: Customer | null = null
  book: BookSession | null = null
  /** Set when an edit was refused by the model (should not happen after field validation). */
  error: string | null = null
  private customerId: string | null = null
  private observed: Y.Map<unknown> | null = null
  private customersObserved: Y.Map<Y.Map<unknown>> | null = null
  private offRole: (() => void) | null = null

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this)
    new ContextConsumer(host, { context: bookSessionContext, subscribe: true, callback: (b) => this.attach(b ?? null, this.customerId) })
  }

  /** Call from the host's willUpdate with the customer id it shows. */
  show(customerId: string | null): void {
    if (customerId !== this.customerId) this.attach(this.book, customerId)
  }

  hostConnected(): void {
    if (this.book) this.attach(this.book, this.customerId)
  }

  hostDisconnected(): void {
    this.unobserve()
    this.customersObserved?.unobserve(this.onCustomers)
    this.customersObserved = null
    this.offRole?.()
    this.offRole = null
  }

  /** Nothing can be changed: a viewer, or the book's document is still loading. */
  get readOnly(): boolean {
    return !(this.book?.editable ?? false)
  }

  /** Shown from the saved projection while the document loads (read-only until then). */
  get waiting(): boolean {
    return this.book !== null && !this.book.loaded
  }

  /** Text typed into `field` that did not validate, kept while the book is open. */
  draft(field: string): string | null {
    return this.customerId ? (this.book?.drafts.get(`${this.customerId}/${field}`) ?? null) : null
  }

  setDraft(field: string, text: string | null): void {
    if (!this.book || !this.customerId) return
    const key = `${this.customerId}/${field}`
    if (text === null) this.book.drafts.delete(key)
    else this.book.drafts.set(key, text)
  }

  /** Where this customer's "add a contact" or "add a deal" form keeps what was typed into it. */
  formPlace(form: 'new-contact' | 'new-deal'): FormPlace | null {
    return this.book && this.customerId ? { store: this.book.forms, name: `${form}/${this.customerId}` } : null
  }

  setField<F extends CustomerScalarField>(field: F, value: CustomerScalarValue<F> | null): void {
    this.edit((id, c) => c.set(id, field, value))
  }

  setAddress(field: AddressField, value: string | null): void {
    this.edit((id, c) => c.patch(id, { address: { [field]: value } }))
  }

  setTags(tags: string[]): void {
    this.edit((id, c) => c.patch(id, { tags }))
  }

  archive(archived: boolean): void {
    this.edit((id, c) => c.archive(id, archived))
  }

  addContact(contact: NewContact): void {
    this.edit((id, c) => c.addContact(id, contact))
  }

  updateContact(contactId: string, update: ContactUpdate): void {
    this.edit((id, c) => c.updateContact(id, contactId, update))
  }

  removeContact(contactId: string): void {
    this.edit((id, c) => c.removeContact(id, contactId))
  }

  addDeal(deal: NewDeal): void {
    this.edit((id, c) => c.addDeal(id, deal))
  }

  updateDeal(dealId: string, update: DealUpdate): void {
    this.edit((id, c) => c.updateDeal(id, dealId, update))
  }

  removeDeal(dealId: string): void {
    this.edit((id, c) => c.removeDeal(id, dealId))
  }

  logActivity(kind: ActivityKind, text: string, at: Date): void {
    this.edit((id, c) => c.addActivity(id, { kind, text, at: at.toISOString() }))
  }

  private edit(fn: (customerId: string, customers: BookSession['handle']['customers']) => unknown): void {
    const book = this.book
    const id = this.customerId
    if (!book || !id || !book.editable) return
    try {
      fn(id, book.handle.customers)
      this.error = null
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e)
      this.host.requestUpdate()
    }
  }

  private attach(book: BookSession | null, customerId: string | null): void {
    const customers = book ? customersMap(book.handle.doc) : null
    if (customers !== this.customersObserved) {
      this.customersObserved?.unobserve(this.onCustomers)
      customers?.observe(this.onCustomers)
      this.customersObserved = customers
    }
    if (book !== this.book || !this.offRole) {
      this.offRole?.()
      this.offRole = book?.onRoleChange(() => this.host.requestUpdate()) ?? null
    }
    if (book && book !== this.book && !book.loaded) {
      // Shown from the saved projection once it is read, then live once the document is.
      const refresh = () => {
        if (this.book === book) this.refresh()
      }
      book.handle.whenReadable.then(refresh, () => {})
      void book.whenDocument.then(refresh)
    }
    this.book = book
    this.customerId = customerId
    this.unobserve()
    this.refresh()
  }

  /** Follows the customer's own map; also catches it arriving later (first sync, another tab). */
  private refresh(): void {
    const map = this.book && this.customerId ? customersMap(this.book.handle.doc).get(this.customerId) : undefined
    if (map instanceof Y.Map && map !== this.observed) {
      this.unobserve()
      this.observed = map
      map.observeDeep(this.onCustomer)
    }
    this.customer = this.book && this.customerId ? this.book.customer(this.customerId) : null
    this.host.requestUpdate()
  }

  private unobserve(): void {
    this.observed?.unobserveDeep(this.onCustomer)
    this.observed = null
  }

  private readonly onCustomer = () => this.refresh()

  private readonly onCustomers = (event: Y.YMapEvent<Y.Map<unknown>>) => {
    if (this.customerId && event.keysChanged.has(this.customerId)) this.refresh()
  }
}
