// Presence for an element: re-renders when someone opens, leaves or moves within the book, and
// publishes where this user is (customer and field) for the others.
import { ContextConsumer } from '@lit/context'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { BookSession } from '../book/book-session'
import type { Peer, PresenceFocus } from '../book/presence'
import { bookSessionContext } from '../context/book-session-context'

export class PresenceController implements ReactiveController {
  private book: BookSession | null = null
  private unsubscribe: (() => void) | null = null

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this)
    new ContextConsumer(host, { context: bookSessionContext, subscribe: true, callback: (b) => this.attach(b ?? null) })
  }

  get peers(): Peer[] {
    return this.book?.presence.peers() ?? []
  }

  peersOn(customerId: string): Peer[] {
    return this.book?.presence.on(customerId) ?? []
  }

  customerName(customerId: string): string | null {
    return this.book?.index.get(customerId)?.name ?? null
  }

  setFocus(focus: PresenceFocus): void {
    this.book?.presence.setFocus(focus)
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.attach(null)
  }

  private attach(book: BookSession | null): void {
    this.unsubscribe?.()
    this.book = book
    this.unsubscribe = book?.presence.subscribe(() => this.host.requestUpdate()) ?? null
    this.host.requestUpdate()
  }
}
