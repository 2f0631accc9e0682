// One open book as the app uses it: the sync-client handle plus what the screens share while
// the book is open (the customer list index, presence, the user's role, unsaved drafts).
// The role may arrive or change while the book is open (the book list answers after it opened):
// until the list names it the book is read-only, and `onRoleChange` tells the screens.
// Provided to the element tree through bookSessionContext; closed when another book is opened.
// While the document loads, the screens show the customers saved on the device (the projection),
// or on a device with nothing stored the relay's list of them until the first sync, read-only;
// edits wait for the document to hold the book, so none can be made against a half-loaded one.
import { readBookMeta, readCustomer, type Customer } from '@crm-sync/model'
import { isSyncClientError, openBook, type BookHandle, type GetToken, type LocalStore, type ProjectionSource } from '@crm-sync/sync-client'
import { DraftStore, PersistedTexts, type DraftStorage } from '../lib/draft-store'
import { createLastChangeStore, type KeyValueStorage } from '../lib/last-change-store'
import { openingStoreOptions, userChannel, userStore } from '../lib/local-books'
import type { Role, Session } from '../lib/session-store'
import { CustomerIndex } from './customer-index'
import { Presence } from './presence'

/** User Timing marks, for the browser tests and real-user monitoring. */
export const MARKS = { customersShown: 'crm:customers-shown', documentLoaded: 'crm:document-loaded' } as const

export interface BookSessionOptions {
  readonly bookId: string
  /** From the cached book list; the document's own name wins once it is loaded. */
  readonly bookName: string | null
  /** null when this device has not learned the role yet: read-only until `setRole` says otherwise. */
  readonly role: Role | null
  readonly session: Session
  readonly getToken: GetToken
  /** e.g. ws://host/sync */
  readonly serverUrl: string
  /**
   * The HTTP API's origin, e.g. http://host: a device with nothing stored for the book shows the
   * relay's customer list from there while the book syncs. null: it waits for the sync.
   */
  readonly httpUrl: string | null
  readonly online: boolean
  readonly storage: KeyValueStorage | null
  /** Where unsaved form text survives a reload (the tab's sessionStorage); null: memory only. */
  readonly draftStorage: DraftStorage | null
}

export class BookSession {
  readonly bookId: string
  readonly handle: BookHandle
  readonly index: CustomerIndex
  readonly presence: Presence
  readonly userId: string
  readonly userName: string
  /**
   * Text typed into a field that did not validate, by `${customerId}/${field}`: kept so that
   * leaving the screen, or reloading the page, does not silently drop what the rep typed.
   */
  readonly drafts: PersistedTexts
  /** The half-filled forms of this book (new customer, add a contact or deal), by form name. */
  readonly forms: DraftStore
  /**
   * The document holds the book (or could not be read, or will get nothing more): what the screens
   * show is live and editable. On a fresh device that is after the first sync, not the instant
   * load of an empty document.
   */
  loaded = false
  /** Resolves once `loaded` is true and the list follows the document. Never rejects. */
  readonly whenDocument: Promise<void>
  private readonly fallbackName: string
  /** This user's books on the device (local-books.ts). */
  private readonly store: LocalStore
  private closed = false
  private currentRole: Role | null
  private readonly roleListeners = new Set<() => void>()

  constructor(o: BookSessionOptions) {
    this.bookId = o.bookId
    this.userId = o.session.userId
    this.userName = o.session.name
    this.currentRole = o.role
    this.fallbackName = o.bookName ?? o.bookId
    this.forms = new DraftStore(o.draftStorage, o.session.userId, o.bookId)
    this.drafts = new PersistedTexts(this.forms, 'fields')
    this.store = userStore(o.session.userId, openingStoreOptions(o.session.userId, o.storage))
    this.handle = openBook({
      store: this.store,
      crossTabChannel: userChannel(o.session.userId, o.bookId),
      serverUrl: o.serverUrl,
      bookId: o.bookId,
      getToken: o.getToken,
      connect: o.online,
      userId: o.session.userId,
      userName: o.session.name,
      ...(o.httpUrl === null ? {} : { serverProjection: { httpUrl: o.httpUrl } }),
    })
    this.index = new CustomerIndex(this.handle.doc, createLastChangeStore(o.bookId, o.storage))
    this.presence = new Presence(this.handle.awareness)
    this.handle.whenReadable.then(
      (from) => {
        const projection = this.handle.projection
        if (from === 'projection' && projection && !this.loaded) this.index.showProjection(projection.customers, projection)
      },
      () => {}, // whenLoaded reports it (BookController)
    )
    this.whenDocument = this.handle.whenDocument.then(
      () => this.followDocument(),
      (e: unknown) => {
        if (isSyncClientError(e, 'closed') || this.closed) return // closed before: nothing to follow
        this.followDocument() // the local store failed; the relay may still bring the book
      },
    )
  }

  get role(): Role | null {
    return this.currentRole
  }

  /** The user may not write: a viewer, or a role not known yet. */
  get readOnly(): boolean {
    return this.currentRole !== 'owner' && this.currentRole !== 'editor'
  }

  /** The role as the book list now says (it answered, or changed, after the book opened). */
  setRole(role: Role | null): void {
    if (role === this.currentRole) return
    this.currentRole = role
    for (const listener of this.roleListeners) listener()
  }

  /** Calls `listener` whenever the role (and so `readOnly` and `editable`) changes; returns the unsubscribe. */
  onRoleChange(listener: () => void): () => void {
    this.roleListeners.add(listener)
    return () => this.roleListeners.delete(listener)
  }

  /** Edits are possible: the user may write and the document has loaded. */
  get editable(): boolean {
    return this.loaded && !this.readOnly
  }

  /** A customer as the screens show it: live once loaded, before that as saved on the device. */
  customer(customerId: string): Customer | null {
    return this.loaded ? readCustomer(this.handle.doc, customerId) : (this.handle.projection?.get(customerId) ?? null)
  }

  /** Where the customers shown come from while not `loaded`: this device, or the relay (a fresh device). */
  get projectionSource(): ProjectionSource | null {
    return this.loaded ? null : (this.handle.projection?.source ?? null)
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
    this.closed = true
    this.roleListeners.clear()
    this.index.dispose()
    this.presence.dispose()
    try {
      await this.handle.close()
    } finally {
      await this.store.close()
    }
  }
}
