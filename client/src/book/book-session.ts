// One open book as the app uses it: the sync-client handle plus what the screens share while
// the book is open (the customer list index, presence, the user's role, unsaved drafts).
// Provided to the element tree through bookSessionContext; closed when another book is opened.
// While the document loads, the screens show the customers saved on the device (the projection),
// read-only; edits wait for the document, so none can be made against a half-loaded book.
import { readBookMeta, readCustomer, type Customer } from '@crm-sync/model'
import { openBook, type BookHandle } from '@crm-sync/sync-client'
import { createLastChangeStore, type KeyValueStorage } from '../lib/last-change-store'
import type { Role, Session } from '../lib/session-store'
import { CustomerIndex } from './customer-index'
import { Presence } from './presence'

/** User Timing marks, for the browser tests and real-user monitoring. */
export const MARKS = { customersShown: 'crm:customers-shown', documentLoaded: 'crm:document-loaded' } as const

export interface BookSessionOptions {
  readonly bookId: string
  /** From the cached book list; the document's own name wins once it is loaded. */
  readonly bookName: string | null
  /** null when this device has not learned the role yet (treated as an editor; the relay decides). */
  readonly role: Role | null
  readonly session: Session
  readonly getToken: () => Promise<string>
  /** e.g. ws://host/sync */
  readonly serverUrl: string
  readonly online: boolean
  readonly storage: KeyValueStorage | null
}

export class BookSession {
  readonly bookId: string
  readonly handle: BookHandle
  readonly index: CustomerIndex
  readonly presence: Presence
  readonly userId: string
  readonly userName: string
  readonly readOnly: boolean
  /**
   * Text typed into a field that did not validate, by `${customerId}/${field}`: kept while the
   * book is open so that leaving the screen does not silently drop what the rep typed.
   */
  readonly drafts = new Map<string, string>()
  /** The document has loaded (or could not be read): what the screens show is live and editable. */
  loaded = false
  /** Resolves once `loaded` is true and the list follows the document. Never rejects. */
  readonly whenDocument: Promise<void>
  private readonly fallbackName: string

  constructor(o: BookSessionOptions) {
    this.bookId = o.bookId
    this.userId = o.session.userId
    this.userName = o.session.name
    this.readOnly = o.role === 'viewer'
    this.fallbackName = o.bookName ?? o.bookId
    this.handle = openBook({
      serverUrl: o.serverUrl,
      bookId: o.bookId,
      getToken: o.getToken,
      connect: o.online,
      userId: o.session.userId,
      userName: o.session.name,
    })
    this.index = new CustomerIndex(this.handle.doc, createLastChangeStore(o.bookId, o.storage))
    this.presence = new Presence(this.handle.awareness)
    this.handle.whenReadable.then(
      (from) => {
        const projection = this.handle.projection
        if (from === 'projection' && projection && !this.loaded) this.index.showProjection(projection.customers)
      },
      () => {}, // whenLoaded reports it (BookController)
    )
    this.whenDocument = this.handle.whenLoaded.then(
      () => this.followDocument(),
      () => this.followDocument(), // the relay may still bring the book
    )
  }

  /** Edits are possible: the user may write and the document has loaded. */
  get editable(): boolean {
    return this.loaded && !this.readOnly
  }

  /** A customer as the screens show it: live once loaded, before that as saved on the device. */
  customer(customerId: string): Customer | null {
    return this.loaded ? readCustomer(this.handle.doc, customerId) : (this.handle.projection?.get(customerId) ?? null)
  }

  get name(): string {
    return readBookMeta(this.handle.doc).name || this.fallbackName
  }

  private followDocument(): void {
    this.loaded = true
    this.index.follow()
    globalThis.performance?.mark?.(MARKS.documentLoaded, { detail: { bookId: this.bookId } })
  }

  async close(): Promise<void> {
    this.index.dispose()
    this.presence.dispose()
    await this.handle.close()
  }
}
