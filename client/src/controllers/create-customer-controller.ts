// Creating a customer from the "new customer" form: validated with the model's validateCustomer
// (the same gate as the API and the importer), then written into the book on this device, so it
// works offline and syncs later; only once the book's document has loaded, and only by a user
// whose role allows it (re-rendered when the role changes).
import { ContextConsumer } from '@lit/context'
import { validateCustomer, type ValidationIssue } from '@crm-sync/model'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { BookSession } from '../book/book-session'
import { bookSessionContext } from '../context/book-session-context'

export type CreateResult = { ok: true; customerId: string } | { ok: false; issues: ValidationIssue[] }

export class CreateCustomerController implements ReactiveController {
  book: BookSession | null = null
  private offRole: (() => void) | null = null

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this)
    new ContextConsumer(host, {
      context: bookSessionContext,
      subscribe: true,
      callback: (b) => this.attach(b ?? null),
    })
  }

  hostConnected(): void {
    if (this.book && !this.offRole) this.attach(this.book)
  }

  hostDisconnected(): void {
    this.offRole?.()
    this.offRole = null
  }

  private attach(book: BookSession | null): void {
    this.offRole?.()
    this.book = book
    this.offRole = book?.onRoleChange(() => this.host.requestUpdate()) ?? null
    if (book && !book.loaded) void book.whenDocument.then(() => this.host.requestUpdate())
    this.host.requestUpdate()
  }

  create(input: Record<string, unknown>): CreateResult {
    const book = this.book
    if (!book) return { ok: false, issues: [{ field: '', value: null, reason: 'no book is open' }] }
    if (book.readOnly) return { ok: false, issues: [{ field: '', value: null, reason: 'you can only read this book' }] }
    if (!book.loaded) return { ok: false, issues: [{ field: '', value: null, reason: 'the book is still opening on this device; try again in a moment' }] }
    const checked = validateCustomer({ ownerId: book.userId, ...input })
    if (!checked.ok) return checked
    const { id: _id, createdAt: _at, createdBy: _by, ...customer } = checked.value
    return { ok: true, customerId: book.handle.customers.create(customer) }
  }
}
