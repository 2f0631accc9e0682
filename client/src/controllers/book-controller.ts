// The open book for the book screen: its name and the user's rights, re-rendered once the book's
// document has loaded from the device (`loaded`) and whenever its metadata or the user's role changes.
import { ContextConsumer } from '@lit/context'
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { BookSession } from '../book/book-session'
import { bookSessionContext } from '../context/book-session-context'

export class BookController implements ReactiveController {
  book: BookSession | null = null
  loaded = false
  loadError: string | null = null
  private detach: (() => void) | null = null

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this)
    new ContextConsumer(host, { context: bookSessionContext, subscribe: true, callback: (b) => this.attach(b ?? null) })
  }

  get name(): string {
    return this.book?.name ?? ''
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.detach?.()
    this.detach = null
  }

  private attach(book: BookSession | null): void {
    this.detach?.()
    this.detach = null
    this.book = book
    this.loaded = false
    this.loadError = null
    if (book) {
      const meta = book.handle.doc.getMap('book')
      const onMeta = () => this.host.requestUpdate()
      meta.observe(onMeta)
      const offRole = book.onRoleChange(() => this.host.requestUpdate())
      this.detach = () => {
        meta.unobserve(onMeta)
        offRole()
      }
      book.handle.whenLoaded.catch((e: unknown) => {
        if (this.book !== book) return
        this.loadError = e instanceof Error ? e.message : String(e)
        this.host.requestUpdate()
      })
      void book.whenDocument.then(() => {
        if (this.book !== book) return
        this.loaded = true
        this.host.requestUpdate()
      })
    }
    this.host.requestUpdate()
  }
}
